#pragma once
// The record the sync decisions work on is the stored link itself (store/link.hpp): a Huly issue
// (huly/issue.hpp) and a Vibe task (vibe/task.hpp), with the per-field bases and the last values
// observed on each side.

#include "hvs/store/link.hpp"

namespace hvs::sync {

using store::link;

}  // namespace hvs::sync
