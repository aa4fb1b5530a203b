#!/usr/bin/env bash
# The simulators stay out of the product: the product library defines no symbol of src/sim/
# (hvs::sim::…), and every project symbol the simulator library uses is defined by the simulator
# library itself or by hvs_net (core and net), never by the product library.
# Usage: check-sim-separation.sh LIBHVS LIBHVS_SIM LIBHVS_NET        (the three static libraries)
set -euo pipefail
product=$1 simulators=$2 base=$3
status=0

in_product=$(nm -C --defined-only "$product" | grep -F 'hvs::sim::' || true)
if [[ -n $in_product ]]; then
  echo "FAIL: $(basename "$product") defines simulator symbols:" >&2
  head -20 <<<"$in_product" >&2
  status=1
fi

defined() { nm --defined-only "$@" | awk 'NF >= 3 { print $3 }' | sort -u; }
needed=$(nm --undefined-only "$simulators" | awk '$1 == "U" { print $2 }' | sort -u)
missing=$(comm -23 <(echo "$needed") <(defined "$simulators" "$base") | c++filt | grep -E '(^|[^[:alnum:]_])hvs::' || true)
if [[ -n $missing ]]; then
  echo "FAIL: $(basename "$simulators") uses project symbols that hvs_net (core, net) does not define:" >&2
  head -20 <<<"$missing" >&2
  status=1
fi

[[ $status == 0 ]] && echo "ok: no hvs::sim:: symbol in $(basename "$product"); the simulators use only core and net"
exit $status
