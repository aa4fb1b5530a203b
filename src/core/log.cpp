#include "hvs/core/log.hpp"

#include <boost/core/null_deleter.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/log/attributes/constant.hpp>
#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions/keyword.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/utility/formatting_ostream.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>
#include <vector>

namespace hvs::log {
namespace {

namespace bl = boost::log;
using sink_type = bl::sinks::synchronous_sink<bl::sinks::text_ostream_backend>;

// Fields printed after the message, in this order, when a record carries them.
constexpr std::string_view context_keys[] = {"component", "project", "agent", "upstream", "cycle"};

struct redaction_list {
    std::mutex mutex;
    std::vector<std::string> secrets;
};

redaction_list& redactions() {
    static redaction_list list;
    return list;
}

std::string timestamp_now() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

std::string_view name_of(severity level) {
    switch (level) {
    case severity::trace: return "trace";
    case severity::debug: return "debug";
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::error: return "error";
    }
    return "info";
}

// A text record is one line: control characters in a message or field (a newline in a Huly
// identifier, a multi-line git diagnostic) are written as \n, \r, \t or \xNN.
std::string escape_controls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

void format_record(format output, const bl::record_view& rec, bl::formatting_ostream& out) {
    auto level = bl::extract_or_default<severity>("Severity", rec, severity::info);
    std::string message = redacted(bl::extract_or_default<std::string>("Message", rec, std::string()));
    if (output == format::json) {
        out << "{\"ts\":\"" << timestamp_now() << "\",\"level\":\"" << name_of(level) << '"';
        for (auto key : context_keys) {
            if (auto v = bl::extract<std::string>(bl::attribute_name(std::string(key)), rec)) {
                out << ",\"" << key << "\":" << boost::json::serialize(boost::json::string(*v));
            }
        }
        out << ",\"msg\":" << boost::json::serialize(boost::json::string(message)) << '}';
        return;
    }
    out << timestamp_now() << ' ' << name_of(level);
    for (auto key : context_keys) {
        if (auto v = bl::extract<std::string>(bl::attribute_name(std::string(key)), rec)) {
            out << ' ' << key << '=' << escape_controls(redacted(*v));
        }
    }
    out << " | " << escape_controls(message);
}

}  // namespace

std::ostream& operator<<(std::ostream& out, severity level) { return out << name_of(level); }

severity parse_severity(std::string_view name) {
    for (auto level : {severity::trace, severity::debug, severity::info, severity::warning, severity::error}) {
        if (name_of(level) == name) return level;
    }
    return severity::info;
}

void init(severity min_level, format output) {
    auto core = bl::core::get();
    core->remove_all_sinks();
    auto backend = boost::make_shared<bl::sinks::text_ostream_backend>();
    backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
    backend->auto_flush(true);
    auto sink = boost::make_shared<sink_type>(backend);
    sink->set_formatter([output](const bl::record_view& rec, bl::formatting_ostream& out) {
        format_record(output, rec, out);
    });
    sink->set_filter([min_level](const bl::attribute_value_set& attrs) {
        auto level = attrs["Severity"].extract<severity>();
        return !level || *level >= min_level;
    });
    core->add_sink(sink);
}

void redact(std::string secret) {
    if (secret.size() < 4) return;  // too short to redact without mangling ordinary text
    auto& list = redactions();
    std::lock_guard lock(list.mutex);
    list.secrets.push_back(std::move(secret));
}

std::string redacted(std::string text) {
    auto& list = redactions();
    std::lock_guard lock(list.mutex);
    for (const auto& secret : list.secrets) {
        for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
            text.replace(pos, secret.size(), "***");
        }
    }
    return text;
}

logger::logger(std::string_view component) : context_{{"component", std::string(component)}} { attach(); }

logger logger::with(std::string_view key, std::string_view value) const {
    logger copy{context_};
    auto it = std::find_if(copy.context_.begin(), copy.context_.end(), [&](const auto& kv) { return kv.first == key; });
    if (it != copy.context_.end()) {
        it->second = std::string(value);
    } else {
        copy.context_.emplace_back(std::string(key), std::string(value));
    }
    copy.attach();
    return copy;
}

logger::logger(std::vector<std::pair<std::string, std::string>> context) : context_(std::move(context)) {}

void logger::attach() {
    for (const auto& [key, value] : context_) {
        source_.add_attribute(key, bl::attributes::constant<std::string>(value));
    }
}

}  // namespace hvs::log
