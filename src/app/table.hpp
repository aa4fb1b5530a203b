#pragma once
// The one way commands print tables: a header and rows, each column padded to its widest cell,
// two spaces apart, the last column not padded.

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace hvs::app {

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// One line of text for a cell (line breaks become spaces), cut to `max` characters with "...".
[[nodiscard]] std::string one_line(std::string text, std::size_t max = 100);

}  // namespace hvs::app
