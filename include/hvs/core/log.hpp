#pragma once
// Logging through Boost.Log. Each task owns a `logger` carrying its own context (component,
// project, agent) as source attributes: coroutines share one thread, so thread-scoped attributes
// would bleed between tasks.

#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hvs::log {

enum class severity { trace, debug, info, warning, error };

std::ostream& operator<<(std::ostream& out, severity level);

enum class format { text, json };

// Installs the single console sink (stderr). Safe to call again to change level or format.
void init(severity min_level, format output);
// "trace" … "error"; anything else yields info.
[[nodiscard]] severity parse_severity(std::string_view name);

// Registers a secret: every later log line has each occurrence replaced by "***".
void redact(std::string secret);
// Applies the registered redactions to a text (for error messages that leave the process).
[[nodiscard]] std::string redacted(std::string text);

class logger {
public:
    explicit logger(std::string_view component);

    // A copy that also tags its lines with key=value ("project", "agent", …).
    [[nodiscard]] logger with(std::string_view key, std::string_view value) const;

    boost::log::sources::severity_logger<severity>& source() { return source_; }

private:
    explicit logger(std::vector<std::pair<std::string, std::string>> context);
    void attach();

    std::vector<std::pair<std::string, std::string>> context_;
    boost::log::sources::severity_logger<severity> source_;
};

}  // namespace hvs::log

// HVS_LOG(lg, info) << "text";  — formats only when the level passes the filter.
#define HVS_LOG(lg, level) BOOST_LOG_SEV((lg).source(), ::hvs::log::severity::level)
