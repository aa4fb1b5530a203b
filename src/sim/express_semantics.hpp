#pragma once
// Private to the Huly simulator: what Express 4 (with cors() and express.json(), as server.js
// configures them) does around a route handler. A client sees these as much as the routes: the
// headers on every answer, weak ETags and 304s, finalhandler's HTML error pages, the preflight
// answer, the 400/413/415 of body-parser, and how qs and parseurl read the request target.

#include "hvs/sim/http_util.hpp"
#include "hvs/sim/simulator.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hvs::sim::express {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// Responses. `now` (ms since the epoch) stamps the Date header.

// res.json(body) / res.status(code).json(body): weak ETag, 304 when the request is fresh.
response express_json(const request& req, status code, const json::value& body, std::int64_t now);
// The server's error answer: {"error": message}.
response json_error(const request& req, status code, std::string message, std::int64_t now);
// finalhandler's page (NODE_ENV=production: the status text for errors, "Cannot GET /x" for 404).
response express_error_page(const request& req, status code, std::string_view message, std::int64_t now);
// The status text finalhandler shows for a body-parser error (400, 413 or 415).
std::string_view status_text(status code);
// cors() with its defaults answers every OPTIONS request itself.
response cors_preflight(const request& req, std::int64_t now);

// ---------------------------------------------------------------------------------------------
// The request: express.json() body parsing, query strings, target splitting.

struct body_result {
    json::value value = json::object();  // req.body: {} unless a JSON body was parsed
    std::optional<status> error;
};

// express.json(): a body is read only with a JSON Content-Type; a charset other than UTF-8 (415 or
// 400), a body over 100 kB (413) or malformed JSON (400) is an error.
body_result read_json_body(const request& req);

// A query parameter as `req.query[name]` gives it (qs): repeated values form an array, which
// String() and new Date() see joined by commas.
struct query_value {
    bool present = false;
    bool truthy = false;
    std::string text;
};

query_value query_param(std::string_view query, std::string_view name);

struct split_target {
    std::string path;        // raw, still percent-encoded, as Express matches it
    std::string_view query;  // raw, after '?'
};

// parseurl: a plain "/path?query" is split as is; anything else (a fragment, an absolute URL)
// goes through url.parse, which drops the fragment and escapes ' in the path.
split_target split(std::string_view target);

}  // namespace hvs::sim::express
