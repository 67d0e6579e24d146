#include "adapters/ghl/contacts/rest_call.h"

#include <rapidjson/error/en.h>

#include <utility>

#include "adapters/ghl/auth/authorized_send.h"
#include "adapters/ghl/core/status.h"

namespace ghl::contacts {

GhlRestCall::GhlRestCall(std::shared_ptr<http::HttpTransport> transport, std::string base_url,
                         std::shared_ptr<auth::TokenSource> tokens)
    : transport_(std::move(transport)), base_url_(std::move(base_url)), tokens_(std::move(tokens)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

absl::StatusOr<http::HttpResponse> GhlRestCall::Send(const CallOptions& options,
                                                     absl::string_view location_id,
                                                     absl::string_view method,
                                                     absl::string_view path,
                                                     std::string body,
                                                     std::map<std::string, std::string>* answer_headers) const {
  http::HttpRequest request;
  request.method = std::string(method);
  request.url = absl::StrCat(base_url_, path);
  request.timeout = options.timeout;
  request.idempotent = options.idempotent;
  request.headers = {{"Version", kGhlApiVersion}, {"Accept", "application/json"}};
  request.deadline = options.deadline;
  request.cancelled = options.cancelled;
  request.budget_key = std::string(location_id);
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  std::string token;
  auto response =
      auth::SendAuthorized(*tokens_, *transport_, location_id, std::move(request), &token);
  if (!response.ok()) return response.status();
  if (answer_headers != nullptr) *answer_headers = response->headers;
  if (response->status_code < 200 || response->status_code >= 300) {
    return RedactSecret(HttpStatusToStatus(response->status_code, response->body, TraceHeader(*response)),
                        token);
  }
  return response;
}

absl::Status ParseAnswer(const std::string& body, rapidjson::Document* doc) {
  // Iterative: a hostile, deeply nested body cannot overflow the stack.
  doc->Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(body.data(),
                                                                                  body.size());
  if (doc->HasParseError()) {
    return absl::UnavailableError(absl::StrCat(
        "malformed JSON from GHL (", body.size(), " bytes, offset ", doc->GetErrorOffset(),
        "): ", rapidjson::GetParseError_En(doc->GetParseError())));
  }
  if (!doc->IsObject()) return absl::InternalError("GHL answered with JSON that is not an object");
  return absl::OkStatus();
}

absl::Status ReadObjectMember(const rapidjson::Value& doc, absl::string_view member,
                              const json::JsonMapper& mapper, absl::string_view operation,
                              google::protobuf::Message* out) {
  auto it = doc.FindMember(rapidjson::StringRef(member.data(), member.size()));
  if (it == doc.MemberEnd() || !it->value.IsObject()) {
    return absl::InternalError(
        absl::StrCat("GHL ", operation, " response has no ", member, " object"));
  }
  if (auto s = mapper.FromJson(it->value, out); !s.ok()) {
    return absl::InternalError(
        absl::StrCat("GHL ", operation, " response: ", member, " cannot be mapped: ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status ReadAnswer(const std::string& body, const json::JsonMapper& mapper,
                        absl::string_view operation, google::protobuf::Message* out) {
  rapidjson::Document doc;
  if (auto s = ParseAnswer(body, &doc); !s.ok()) return s;
  if (auto s = mapper.FromJson(doc, out); !s.ok()) {
    return absl::InternalError(
        absl::StrCat("GHL ", operation, " response cannot be mapped: ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status CheckSucceeded(const std::string& body, absl::string_view operation) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    auto ok = doc.FindMember("succeded");
    if (ok != doc.MemberEnd() && ok->value.IsBool() && !ok->value.GetBool()) {
      return absl::InternalError(absl::StrCat("GHL answered ", operation, " with succeded=false"));
    }
  }
  return absl::OkStatus();
}

absl::Status AppliedButUnusable(const absl::Status& status, absl::string_view operation) {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat("GHL applied the ", operation,
                                   " but its answer was unusable: ", status.message()));
}

}  // namespace ghl::contacts
