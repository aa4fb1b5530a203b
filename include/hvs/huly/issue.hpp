#pragma once
// A Huly issue as the REST wrapper returns it (reference huly-rest-api.md, GET /api/projects/{id}/issues).

#include <cstdint>
#include <string>

namespace hvs::huly {

struct issue {
    std::string id;           // "PROJ-12"
    std::string title;
    std::string description;  // as Huly returns it (markdown, trimmed by Huly)
    std::string status;       // Huly status name
    std::string priority;
    std::int64_t modified_ms = 0;
};

}  // namespace hvs::huly
