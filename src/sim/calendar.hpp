#pragma once
// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm), shared by the
// simulators' timestamp formats.

#include <cstdint>

namespace hvs::sim::calendar {

struct civil_date {
    std::int64_t year;
    unsigned month, day;
};

inline civil_date civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

}  // namespace hvs::sim::calendar
