#!/usr/bin/python3
"""Reads the manifests of deploy/kubernetes for deploy/check-kubernetes.sh (PyYAML: python3-yaml).

  kubernetes-manifests.py parse DIR            every YAML document under DIR parses (exit 1 naming the file)
  kubernetes-manifests.py names DIR            every environment name the manifests under DIR set, one a line
  kubernetes-manifests.py structure BASE       the base's shape: replicas >= 2, a PodDisruptionBudget, the
                                               Secret referenced and holding only placeholders, every probe
                                               and the Service on the port the ConfigMap's HEALTH_PORT names
  kubernetes-manifests.py secret-keys BASE     the keys of the base's Secret template, one a line
  kubernetes-manifests.py env BASE SECRETS     the container's environment as the Deployment gives it,
                                               NAME=VALUE NUL-separated, with the Secret's mount path
                                               replaced by SECRETS (a directory holding one file per key)
  kubernetes-manifests.py probes BASE          the paths of the container's probes, one a line

BASE is a directory with a kustomization.yaml; its Secret template (kind: Secret) is the YAML file
there that the kustomization does not list.
"""
import pathlib
import re
import sys

import yaml

PLACEHOLDER = "REPLACE-ME"
# A placeholder value: the marker itself, or a PostgreSQL URL whose password is the marker.
PLACEHOLDER_VALUE = re.compile(r"^(REPLACE-ME|postgresql://[^:@/]+:REPLACE-ME@[^/@]+/[^/?@]+)$")


def yaml_files(directory):
    return sorted(p for p in pathlib.Path(directory).rglob("*") if p.suffix in (".yaml", ".yml"))


def documents(path):
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def containers_of(doc):
    spec = (doc.get("spec") or {}).get("template", {}).get("spec") or {}
    return spec.get("containers") or []


class Base:
    """The documents a kustomization lists, and the Secret template beside them."""

    def __init__(self, directory):
        directory = pathlib.Path(directory)
        kustomization = documents(directory / "kustomization.yaml")[0]
        listed = [directory / name for name in kustomization.get("resources", [])]
        self.docs = [doc for path in listed for doc in documents(path)]
        templates = [doc for path in yaml_files(directory) if path not in listed and path.name != "kustomization.yaml"
                     for doc in documents(path) if doc.get("kind") == "Secret"]
        if any(doc.get("kind") == "Secret" for doc in self.docs):
            fail(f"{directory}/kustomization.yaml lists a Secret: applying it would overwrite the real one")
        if len(templates) != 1:
            fail(f"{directory}: expected one Secret template beside the kustomization, found {len(templates)}")
        self.secret = templates[0]

    def one(self, kind):
        found = [doc for doc in self.docs if doc.get("kind") == kind]
        if len(found) != 1:
            fail(f"expected one {kind}, found {len(found)}")
        return found[0]

    def deployment(self):
        return self.one("Deployment")

    def container(self):
        containers = containers_of(self.deployment())
        if len(containers) != 1:
            fail(f"expected one container in the Deployment, found {len(containers)}")
        return containers[0]

    def configmap_data(self):
        names = [ref["configMapRef"]["name"] for ref in self.container().get("envFrom", []) if "configMapRef" in ref]
        data = {}
        for doc in self.docs:
            if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] in names:
                data.update(doc.get("data") or {})
        if len(names) != 1 or not data:
            fail(f"the container takes its settings from ConfigMaps {names}, expected one present and non-empty")
        return data

    def secret_mount(self):
        """The mount path of the Secret template's volume."""
        name = self.secret["metadata"]["name"]
        volumes = [v["name"] for v in self.deployment()["spec"]["template"]["spec"].get("volumes", [])
                   if (v.get("secret") or {}).get("secretName") == name]
        mounts = [m["mountPath"] for m in self.container().get("volumeMounts", []) if m["name"] in volumes]
        if len(mounts) != 1:
            fail(f"the Secret {name} is not mounted into the container once (mounts: {mounts})")
        return mounts[0].rstrip("/")

    def port(self, port):
        """A probe's or Service's port: a number, or the name of a containerPort."""
        if isinstance(port, int):
            return port
        numbers = [p["containerPort"] for p in self.container().get("ports", []) if p.get("name") == port]
        if len(numbers) != 1:
            fail(f"port name {port!r} names no containerPort of the container")
        return numbers[0]

    def probes(self):
        return {kind: self.container()[kind] for kind in ("startupProbe", "livenessProbe", "readinessProbe")
                if kind in self.container()}


def command_parse(directory):
    count = 0
    for path in yaml_files(directory):
        try:
            count += len(documents(path))
        except yaml.YAMLError as error:
            fail(f"{path}: not YAML: {error}")
    if count == 0:
        fail(f"no YAML document under {directory}")
    print(f"{count} YAML documents parse")


def command_names(directory):
    """ConfigMap keys (the Deployment takes them with envFrom) and the containers' env names."""
    names = set()
    for path in yaml_files(directory):
        for doc in documents(path):
            if doc.get("kind") == "ConfigMap":
                names.update((doc.get("data") or {}).keys())
            for container in containers_of(doc):
                names.update(entry["name"] for entry in container.get("env", []))
                if any("secretRef" in ref for ref in container.get("envFrom", [])):
                    fail(f"{path}: envFrom a Secret: secrets go in files (*_FILE), never in the environment")
    print("\n".join(sorted(names)))


def command_structure(directory):
    base = Base(directory)
    deployment = base.deployment()
    replicas = deployment["spec"].get("replicas", 1)
    if replicas < 2:
        fail(f"the Deployment has {replicas} replica(s); the base runs at least 2")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    budget = base.one("PodDisruptionBudget")["spec"]
    if budget.get("minAvailable", 0) < 1:
        fail("the PodDisruptionBudget does not keep a replica available (minAvailable >= 1)")
    if not budget["selector"]["matchLabels"].items() <= pod_labels.items():
        fail("the PodDisruptionBudget's selector does not select the Deployment's pods")

    # The Secret: mounted, each key named by a *_FILE variable, each value a placeholder.
    mount = base.secret_mount()
    keys = base.secret.get("stringData") or {}
    if base.secret.get("data") or not keys:
        fail("the Secret template must hold its placeholders as stringData, and only there")
    files = {entry["name"]: entry.get("value", "") for entry in base.container().get("env", [])}
    for key, value in keys.items():
        if not PLACEHOLDER_VALUE.match(str(value)):
            fail(f"the Secret template's {key} is not a placeholder ({PLACEHOLDER}): never commit real values")
        if files.get(f"{key}_FILE") != f"{mount}/{key}":
            fail(f"{key}_FILE is not set to the mounted Secret's file {mount}/{key}")
    settings = base.configmap_data()
    leaked = sorted(set(keys) & (set(settings) | set(files)))
    if leaked:
        fail(f"secrets set in plain text by the manifests: {leaked}")

    # Every probe, the Service and the scrape annotation reach the ops server's HEALTH_PORT.
    health_port = int(settings.get("HEALTH_PORT", "0"))
    if health_port == 0:
        fail("the ConfigMap sets no fixed HEALTH_PORT: the probes need one")
    if settings.get("HEALTH_HOST") != "0.0.0.0":
        fail("HEALTH_HOST must be 0.0.0.0 in a pod: the kubelet probes the pod's IP")
    for kind, probe in base.probes().items():
        if base.port(probe["httpGet"]["port"]) != health_port:
            fail(f"the {kind} port is not HEALTH_PORT {health_port}")
    if {"livenessProbe", "readinessProbe"} - set(base.probes()):
        fail("the container needs a livenessProbe and a readinessProbe")
    service = base.one("Service")
    if not service["spec"]["selector"].items() <= pod_labels.items():
        fail("the Service's selector does not select the Deployment's pods")
    for port in service["spec"]["ports"]:
        if base.port(port.get("targetPort", port["port"])) != health_port:
            fail(f"the Service's port {port.get('name')} does not reach HEALTH_PORT {health_port}")
    scrape_port = deployment["spec"]["template"]["metadata"].get("annotations", {}).get("prometheus.io/port")
    if scrape_port is not None and int(scrape_port) != health_port:
        fail(f"the pods' prometheus.io/port {scrape_port} is not HEALTH_PORT {health_port}")
    print(f"{replicas} replicas, a PodDisruptionBudget (minAvailable {budget['minAvailable']}), "
          f"the Secret's {len(keys)} keys mounted at {mount} and holding placeholders only, "
          f"{len(base.probes())} probes and the Service on HEALTH_PORT {health_port}")


def command_secret_keys(directory):
    print("\n".join((Base(directory).secret.get("stringData") or {}).keys()))


def command_env(directory, secrets_directory):
    base = Base(directory)
    environment = dict(base.configmap_data())
    mount = base.secret_mount()
    for entry in base.container().get("env", []):
        if "value" in entry:
            value = str(entry["value"])
            if value.startswith(mount + "/"):
                value = secrets_directory + value[len(mount):]
            environment[entry["name"]] = value
        elif (entry.get("valueFrom") or {}).get("fieldRef", {}).get("fieldPath") == "metadata.name":
            environment[entry["name"]] = "huly-vibe-sync-check-0"  # a pod's name
        else:
            fail(f"env {entry['name']}: only literal values and the pod's name are understood here")
    sys.stdout.write("".join(f"{name}={value}\0" for name, value in environment.items()))


def command_probes(directory):
    print("\n".join(sorted({probe["httpGet"]["path"] for probe in Base(directory).probes().values()})))


COMMANDS = {"parse": command_parse, "names": command_names, "structure": command_structure,
            "secret-keys": command_secret_keys, "env": command_env, "probes": command_probes}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
