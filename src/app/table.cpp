#include "app/table.hpp"

#include <algorithm>

namespace hvs::app {

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            text += cells[i];
            if (i + 1 < cells.size() && i < width.size()) text += std::string(width[i] - cells[i].size() + 2, ' ');
        }
        out << text << "\n";
    };
    line(header);
    for (const auto& row : rows) line(row);
}

std::string one_line(std::string text, std::size_t max) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\r', ' ');
    if (text.size() > max) text = text.substr(0, max - 3) + "...";
    return text;
}

}  // namespace hvs::app
