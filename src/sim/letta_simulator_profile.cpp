// What the `hosted` profile (Letta Cloud, upstreams-2026.md) and the injected faults answer before a
// route runs; the `server_0_16_8` profile (letta-ai/letta 0.16.8, archived) answers nothing here.

#include "letta_state.hpp"

#include <boost/beast/http/field.hpp>

#include <charconv>

namespace hvs::sim::letta {
namespace {

namespace http = boost::beast::http;

// Hosted list routes declare limit with le=200 (newer servers and SDK 1.x; 0.16.8's
// routers/v1/*.py declare Query(50|100|1000) without a maximum). A failed le check is pydantic's
// less_than_equal error, in the 422 shape the newer servers keep (reference §1.3).
std::optional<response> limit_over_cap(const call& c) {
    const auto limit = c.last("limit");
    if (!limit) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc{} || end != limit->data() + limit->size() || value <= hosted_page_cap) return std::nullopt;
    std::vector<field_error> errors{{"less_than_equal", loc({"query", "limit"}),
                                     "Input should be less than or equal to " + std::to_string(hosted_page_cap),
                                     py_repr(*limit), "{'le': " + std::to_string(hosted_page_cap) + "}"}};
    return validation_error(errors);
}

// 0.16.8 app.py, the DatabaseLockTimeoutError handler: 409, this body, Retry-After: 1.
response lock_conflict() {
    auto res = detail(status::conflict, "The resource is currently locked by another operation. Please retry shortly.");
    res.set(http::field::retry_after, "1");
    return res;
}

bool is_route(std::string_view route_path, http::verb verb, std::string_view want_path, http::verb want_verb) {
    return verb == want_verb && route_path == want_path;
}

}  // namespace

std::optional<response> profile_answer(letta_state& st, std::string_view route_path, const call& c) {
    const auto verb = c.req.method() == http::verb::head ? http::verb::get : c.req.method();
    const bool hosted = st.options.profile == letta_profile::hosted;
    if (hosted && verb == http::verb::get) {
        // GET /v1/folders/name/{name} is deprecated in 0.16.8 folders.py and absent from SDK 1.12.1.
        if (route_path == "/v1/folders/name/{folder_name}" || route_path == "/v1/sources/name/{source_name}") {
            return detail(status::not_found, "Not Found");
        }
        if (auto refused = limit_over_cap(c)) return refused;
    }
    if (is_route(route_path, verb, "/v1/agents/", http::verb::post) && st.options.agent_quota &&
        st.agents.size() >= *st.options.agent_quota) {
        // Letta Cloud refuses agent creation once the plan's quota is reached (upstreams-2026.md).
        return detail(status::payment_required, "You have reached your agent limit (" +
                                                    std::to_string(*st.options.agent_quota) +
                                                    " agents) for your plan. Upgrade to create more agents.");
    }
    if (is_route(route_path, verb, "/v1/agents/{agent_id}/core-memory/blocks/attach/{block_id}", http::verb::patch) &&
        st.block_attach_locks_answered < st.options.block_attach_locks) {
        ++st.block_attach_locks_answered;
        return lock_conflict();
    }
    return std::nullopt;
}

}  // namespace hvs::sim::letta
