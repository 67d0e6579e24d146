// Building blocks shared by the sandbox's operation handlers: GHL's JSON
// response and error bodies (400/401/403/404 `{statusCode, message[, error],
// traceId}`, 422 with `message` as a list of strings), Express-style body
// parsing, and class-validator-style checks of simple request DTOs.
//
// Thread-safety: pure functions.
#ifndef GHL_TOOLS_GHL_SANDBOX_API_UTIL_H_
#define GHL_TOOLS_GHL_SANDBOX_API_UTIL_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/ghl-sandbox/sandbox_service.h"

namespace ghl::sandbox::internal {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// Writes a string value (any bytes; no NUL termination needed).
void WriteString(JsonWriter& w, absl::string_view s);
/// Writes an array of strings.
void WriteStringArray(JsonWriter& w, const std::vector<std::string>& items);
/// The buffer's text.
std::string Finish(const rapidjson::StringBuffer& buffer);

/// A JSON response with this status and body.
HttpResponse Json(int status, std::string body);
/// `{"statusCode":S,"message":M[,"error":E],"traceId":T}`.
HttpResponse Error(int status, absl::string_view message, absl::string_view error,
                   absl::string_view trace_id);
/// GHL's 422: `{"statusCode":422,"message":[...],"error":"Unprocessable Entity","traceId":T}`.
HttpResponse Unprocessable(const std::vector<std::string>& messages, absl::string_view trace_id);
/// 403 for a token of another location.
HttpResponse Forbidden(absl::string_view trace_id);
/// 404 "Contact not found".
HttpResponse ContactNotFound(absl::string_view trace_id);
/// 500 for a state the sandbox cannot explain (never expected).
HttpResponse InternalError(absl::string_view trace_id);

/// Parses a request body the way Express's JSON body parser reports errors
/// (400 with "Unexpected token ..."); an empty body is an empty object.
/// @return the error response, or nullopt when `doc` holds the body.
std::optional<HttpResponse> ParseBody(const std::string& body, rapidjson::Document* doc,
                                      absl::string_view trace_id);
/// ParseBody, then 400 "Request body must be a JSON object" for non-objects.
std::optional<HttpResponse> ParseObjectBody(const std::string& body, rapidjson::Document* doc,
                                            absl::string_view trace_id);

/// The string member `name` of an object, or "" (absent, null, not a string).
absl::string_view StringMember(const rapidjson::Value& obj, const char* name);
/// The text of a string value.
inline absl::string_view View(const rapidjson::Value& v) {
  return absl::string_view(v.GetString(), v.GetStringLength());
}

/// What a DTO property must hold.
enum class PropType {
  kString,       ///< any string ("" allowed unless required)
  kBool,         ///< true / false
  kIsoDate,      ///< an ISO 8601 date(-time) string
  kStringArray,  ///< an array of strings
};

/// One property of a simple DTO.
struct PropRule {
  const char* name;
  PropType type;
  bool required = false;       ///< absent (or "" for strings) -> "X should not be empty"
  bool nullable = false;       ///< null accepted (and reported as present)
  size_t max_item_length = 0;  ///< kStringArray: longest item in characters (0: no limit)
};

/// Checks `body` (an object) against `rules` like NestJS's ValidationPipe
/// with whitelist + forbidNonWhitelisted: first "property X should not
/// exist" for members outside the rules, then per rule in order the first
/// failing constraint ("X should not be empty", "X must be a string",
/// "X must be a boolean value", "X must be a valid ISO 8601 date string",
/// "X must be an array", "each value in X must be a string", "each value in
/// X must be shorter than or equal to N characters").
/// @return the messages; empty when valid.
std::vector<std::string> ValidateProps(const rapidjson::Value& body,
                                       absl::Span<const PropRule> rules);

/// The strings of an array member (non-strings skipped), in order.
std::vector<std::string> StringItems(const rapidjson::Value& obj, const char* name);

/// A JSON object's text with member `name` (whose value's JSON text is
/// `value_json`) appended as its last member.
std::string WithMember(absl::string_view contact_json, absl::string_view name,
                       absl::string_view value_json);

}  // namespace ghl::sandbox::internal

#endif  // GHL_TOOLS_GHL_SANDBOX_API_UTIL_H_
