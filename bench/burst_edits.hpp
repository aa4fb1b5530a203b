#pragma once
// The edits of a change burst (S3, S7): which issues of a linked workspace (seed_linked_projects)
// change on which side, where each pair must end by the rules of product.md section 2 (changed on
// one side -> written to the other; changed on both -> Huly wins, a conflict), the writes that
// takes, and the check that both sides hold it.

#include "scenario.hpp"
#include "workspace.hpp"

#include <map>
#include <optional>
#include <string>

namespace hvs::bench {

struct status_value {
    std::string huly;  // the Huly status name
    std::string vibe;  // the Vibe status
};

struct edit {
    std::optional<std::string> title, description;
    std::optional<status_value> status;
};

struct change {
    edit huly, vibe;
};

// The change of the issue at `offset` (its index in the workspace, modulo 50) numbered n: offsets
// 0-4 change in Huly (10 %), 4-8 in Vibe (10 %), 4 on both sides (2 %); the rest stay as they are.
[[nodiscard]] change change_of(unsigned offset, unsigned n);

// Where a pair must end, and the writes that takes.
struct expectation {
    std::string title, description;
    status_value status;
    unsigned vibe_puts = 0, huly_puts = 0, conflicts = 0;  // huly_puts: fields, sent in one PATCH
    std::map<std::string, unsigned> huly_puts_by_field;
};

// Issue n ("Issue <n>", "d", Todo) after change c.
[[nodiscard]] expectation expect(const change& c, unsigned n);

// Makes change c in the simulators (on their thread, or before they serve).
void apply_change(workspace& w, const std::string& issue_id, const std::string& task_id, const change& c);

// Every task of the Vibe simulator that carries an issue marker: issue id -> task id.
[[nodiscard]] std::map<std::string, std::string> task_ids_by_issue(const sim::vibe_simulator& vibe);

// The burst over projects <prefix>0 … <prefix>(projects-1) of `issues` issues each: every issue's
// change_of by its index in the workspace, where each pair must end and the writes that needs.
struct burst {
    std::map<std::string, expectation> expected;  // by issue id
    expectation total;                             // writes and conflicts summed
    unsigned huly_patches_needed = 0;              // issues with at least one field to write
};
// Makes the burst's edits in the simulators (on their thread, or before they serve) and returns it.
burst apply_burst(workspace& w, const std::string& prefix, unsigned projects, unsigned issues);
// The same workspace without any edit: every pair as seeded.
[[nodiscard]] std::map<std::string, expectation> unchanged(const std::string& prefix, unsigned projects, unsigned issues);

// Both sides of every pair hold the expected values, and there is exactly one marked task per
// issue; what is not so goes into f.wrong. Reads the simulators' state: call it when they are
// stopped or on their thread.
void check_converged(const workspace& w, const std::map<std::string, expectation>& expected, figures& f);

}  // namespace hvs::bench
