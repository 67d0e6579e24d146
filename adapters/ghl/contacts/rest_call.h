// GhlRestCall: sends one request of a GHL REST operation (token of the
// location, `Version` header, JSON body) and turns a non-2xx answer into a
// Status through HttpStatusToStatus; plus the answer readers the stubs of
// tasks, notes, appointments and tags share. No retries (the connections
// retry).
//
// Answer rules (as in contacts_stub.cc): malformed JSON is UNAVAILABLE (a
// truncated body may be transient); JSON of the wrong shape, or a model the
// mapping refuses (invalid UTF-8, absurd nesting), is INTERNAL.
//
// Thread-safety: GhlRestCall is immutable and safe for concurrent use if
// its transport and token source are.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_REST_CALL_H_
#define GHL_ADAPTERS_GHL_CONTACTS_REST_CALL_H_

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_field.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "adapters/ghl/contacts/json_mapping.h"
#include "adapters/ghl/http/http_transport.h"
#include "adapters/ghl/http/request_context.h"

namespace ghl::contacts {

/// Sends requests to one GHL base URL.
class GhlRestCall {
 public:
  /// @param base_url e.g. https://services.leadconnectorhq.com (trailing
  ///        slashes are dropped).
  GhlRestCall(std::shared_ptr<http::HttpTransport> transport, std::string base_url,
              std::shared_ptr<auth::TokenSource> tokens);

  /// Sends `method` `path` (starting with '/', path segments already
  /// percent-encoded) with `location_id`'s token; `body` (JSON) when
  /// non-empty.
  /// @return the 2xx response, the transport's error, the token source's
  ///         error (FAILED_PRECONDITION for an unknown location), or the
  ///         HttpStatusToStatus of a non-2xx answer.
  /// @param answer_headers when non-null, receives the headers of any answer
  ///        GHL sent (2xx or not; untouched when none arrived), e.g. for the
  ///        rate-limit headers of a failed call.
  absl::StatusOr<http::HttpResponse> Send(const CallOptions& options, absl::string_view location_id,
                                          absl::string_view method, absl::string_view path,
                                          std::string body,
                                          std::map<std::string, std::string>* answer_headers = nullptr) const;

 private:
  std::shared_ptr<http::HttpTransport> transport_;
  std::string base_url_;
  std::shared_ptr<auth::TokenSource> tokens_;
};

/// The upstream trace id of a response's headers (http/request_context.h).
using ::ghl::http::TraceHeader;

/// Parses a 2xx body that must be a JSON object.
absl::Status ParseAnswer(const std::string& body, rapidjson::Document* doc);

/// Reads the object member `member` of `doc` with `mapper` into `out`.
/// @return INTERNAL "GHL <operation> response has no <member> object" when it
///         is missing or not an object, INTERNAL when the mapping refuses it.
absl::Status ReadObjectMember(const rapidjson::Value& doc, absl::string_view member,
                              const json::JsonMapper& mapper, absl::string_view operation,
                              google::protobuf::Message* out);

/// Reads the array member `member` of `doc` (each item an object) with
/// `mapper`, appending to `out`. An absent or null member is an empty list.
/// @return INTERNAL when it is not an array, an item is not an object, or
///         the mapping refuses an item (naming the index).
template <typename T>
absl::Status ReadArrayMember(const rapidjson::Value& doc, absl::string_view member,
                             const json::JsonMapper& mapper, absl::string_view operation,
                             google::protobuf::RepeatedPtrField<T>* out) {
  auto it = doc.FindMember(rapidjson::StringRef(member.data(), member.size()));
  if (it == doc.MemberEnd() || it->value.IsNull()) return absl::OkStatus();
  if (!it->value.IsArray()) {
    return absl::InternalError(
        absl::StrCat("GHL ", operation, " response: `", member, "` is not an array"));
  }
  out->Reserve(static_cast<int>(it->value.Size()));
  int index = 0;
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsObject()) {
      return absl::InternalError(
          absl::StrCat("GHL ", operation, " response: ", member, "[", index, "] is not an object"));
    }
    if (auto s = mapper.FromJson(item, out->Add()); !s.ok()) {
      return absl::InternalError(absl::StrCat("GHL ", operation, " response: ", member, "[", index,
                                              "] cannot be mapped: ", s.message()));
    }
    ++index;
  }
  return absl::OkStatus();
}

/// Whether an answer belongs to a write GHL has applied once it answered
/// 2xx (an unusable answer then says so: see AppliedButUnusable).
enum class AnswerOf { kRead, kWrite };

/// Reads the answer `{"<member>": {...}}` of `response` into a T.
/// @return the response's error, or ParseAnswer / ReadObjectMember errors
///         (with AppliedButUnusable for a write).
template <typename T>
absl::StatusOr<T> ReadResourceAnswer(const absl::StatusOr<http::HttpResponse>& response,
                                     absl::string_view member, const json::JsonMapper& mapper,
                                     absl::string_view operation, AnswerOf kind);

/// Reads the answer `{"<member>": [{...}, ...]}` of `response` into the
/// repeated field `out`.
template <typename T>
absl::Status ReadListAnswer(const absl::StatusOr<http::HttpResponse>& response,
                            absl::string_view member, const json::JsonMapper& mapper,
                            absl::string_view operation,
                            google::protobuf::RepeatedPtrField<T>* out);

/// Reads a whole answer object with `mapper` (e.g. the tags answers).
absl::Status ReadAnswer(const std::string& body, const json::JsonMapper& mapper,
                        absl::string_view operation, google::protobuf::Message* out);

/// Checks a delete answer `{succeded: bool}`: an explicit false is INTERNAL;
/// anything else (including an empty or unparseable body after a 2xx) is OK,
/// as GHL has accepted the delete.
absl::Status CheckSucceeded(const std::string& body, absl::string_view operation);

/// Adds to an error of reading a write's 2xx answer that GHL applied the
/// write, so nobody re-sends it.
absl::Status AppliedButUnusable(const absl::Status& status, absl::string_view operation);

// Template definitions.

template <typename T>
absl::StatusOr<T> ReadResourceAnswer(const absl::StatusOr<http::HttpResponse>& response,
                                     absl::string_view member, const json::JsonMapper& mapper,
                                     absl::string_view operation, AnswerOf kind) {
  if (!response.ok()) return response.status();
  rapidjson::Document doc;
  absl::Status status = ParseAnswer(response->body, &doc);
  T resource;
  if (status.ok()) status = ReadObjectMember(doc, member, mapper, operation, &resource);
  if (!status.ok()) {
    return kind == AnswerOf::kWrite ? AppliedButUnusable(status, operation) : status;
  }
  return resource;
}

template <typename T>
absl::Status ReadListAnswer(const absl::StatusOr<http::HttpResponse>& response,
                            absl::string_view member, const json::JsonMapper& mapper,
                            absl::string_view operation,
                            google::protobuf::RepeatedPtrField<T>* out) {
  if (!response.ok()) return response.status();
  rapidjson::Document doc;
  if (auto s = ParseAnswer(response->body, &doc); !s.ok()) return s;
  return ReadArrayMember(doc, member, mapper, operation, out);
}

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_REST_CALL_H_
