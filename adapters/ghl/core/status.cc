#include "adapters/ghl/core/status.h"

#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/match.h"

namespace ghl {
namespace {

// Messages are shown to callers; keep a hostile upstream from making them huge.
constexpr size_t kMaxMessageBytes = 2048;

std::string Truncate(std::string s) {
  if (s.size() <= kMaxMessageBytes) return s;
  // Cut on a UTF-8 boundary so the message stays valid text.
  size_t cut = kMaxMessageBytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  s += "...";
  return s;
}

struct ParsedError {
  std::vector<std::string> messages;
  std::string trace_id;
};

ParsedError ParseErrorBody(absl::string_view body) {
  ParsedError out;
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  auto msg = doc.FindMember("message");
  if (msg != doc.MemberEnd()) {
    if (msg->value.IsString()) {
      out.messages.emplace_back(msg->value.GetString(), msg->value.GetStringLength());
    } else if (msg->value.IsArray()) {
      for (const auto& item : msg->value.GetArray()) {
        if (item.IsString()) out.messages.emplace_back(item.GetString(), item.GetStringLength());
      }
    }
  }
  // RFC 7807 problem bodies (proxies, gateways in front of GHL) carry
  // `detail` and, from validators, a `validation` list.
  for (const char* key : {"error", "title", "detail"}) {
    if (!out.messages.empty()) break;
    auto it = doc.FindMember(key);
    if (it != doc.MemberEnd() && it->value.IsString()) {
      out.messages.emplace_back(it->value.GetString(), it->value.GetStringLength());
    }
  }
  auto validation = doc.FindMember("validation");
  if (validation != doc.MemberEnd() && validation->value.IsArray()) {
    for (const auto& item : validation->value.GetArray()) {
      if (!item.IsObject()) continue;
      auto m = item.FindMember("message");
      if (m != item.MemberEnd() && m->value.IsString()) {
        out.messages.emplace_back(m->value.GetString(), m->value.GetStringLength());
      }
    }
  }
  for (const char* key : {"traceId", "trace_id", "requestId"}) {
    auto t = doc.FindMember(key);
    if (t != doc.MemberEnd() && t->value.IsString()) {
      out.trace_id.assign(t->value.GetString(), t->value.GetStringLength());
      break;
    }
  }
  return out;
}

}  // namespace

absl::StatusCode HttpCodeToStatusCode(int http_code) {
  if (http_code >= 200 && http_code < 300) return absl::StatusCode::kOk;
  switch (http_code) {
    case 400: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 408: return absl::StatusCode::kUnavailable;
    case 409: return absl::StatusCode::kAborted;
    case 412: return absl::StatusCode::kFailedPrecondition;
    case 413: return absl::StatusCode::kInvalidArgument;
    case 422: return absl::StatusCode::kInvalidArgument;
    case 429: return absl::StatusCode::kUnavailable;
    case 501: return absl::StatusCode::kUnimplemented;
    default: break;
  }
  if (http_code >= 500 && http_code < 600) return absl::StatusCode::kUnavailable;
  if (http_code >= 400 && http_code < 500) return absl::StatusCode::kInvalidArgument;
  return absl::StatusCode::kUnknown;
}

absl::Status HttpStatusToStatus(int http_code, absl::string_view body,
                                absl::string_view trace_id_header) {
  ParsedError parsed = ParseErrorBody(body);
  absl::StatusCode code = HttpCodeToStatusCode(http_code);
  if (code == absl::StatusCode::kOk) code = absl::StatusCode::kUnknown;
  // GHL answers a missing scope with 401 "not authorized for this scope": the
  // caller is authenticated but not allowed, which is PERMISSION_DENIED.
  if (http_code == 401) {
    for (const auto& m : parsed.messages) {
      if (absl::StrContains(m, "not authorized for this scope")) {
        code = absl::StatusCode::kPermissionDenied;
      }
    }
  }
  std::string trace = parsed.trace_id.empty() ? std::string(trace_id_header) : parsed.trace_id;
  std::string text = parsed.messages.empty() ? "(no message)" : absl::StrJoin(parsed.messages, "; ");
  std::string message = absl::StrCat("GHL HTTP ", http_code, ": ", Truncate(std::move(text)));
  if (!trace.empty()) absl::StrAppend(&message, " (traceId: ", Truncate(trace), ")");
  absl::Status status(code, message);
  status.SetPayload(kHttpCodePayload, absl::Cord(absl::StrCat(http_code)));
  if (!trace.empty()) status.SetPayload(kTraceIdPayload, absl::Cord(trace));
  return status;
}

absl::Status RedactSecret(const absl::Status& status, absl::string_view secret) {
  if (status.ok() || secret.empty()) return status;
  auto redact = [secret](absl::string_view text) {
    return absl::StrReplaceAll(text, {{secret, "[REDACTED]"}});
  };
  absl::Status out(status.code(), redact(status.message()));
  status.ForEachPayload([&](absl::string_view key, const absl::Cord& value) {
    out.SetPayload(key, absl::Cord(redact(std::string(value))));
  });
  return out;
}

absl::Status WithUpstreamTrace(absl::Status status, absl::string_view trace_id) {
  if (status.ok() || trace_id.empty() || status.GetPayload(kTraceIdPayload)) return status;
  const std::string trace = Truncate(std::string(trace_id));
  absl::Status out(status.code(), absl::StrCat(status.message(), " (traceId: ", trace, ")"));
  status.ForEachPayload([&out](absl::string_view k, const absl::Cord& v) { out.SetPayload(k, v); });
  out.SetPayload(kTraceIdPayload, absl::Cord(trace));
  return out;
}

std::optional<int> UpstreamHttpCode(const absl::Status& status) {
  auto p = status.GetPayload(kHttpCodePayload);
  int code = 0;
  if (!p || !absl::SimpleAtoi(std::string(*p), &code)) return std::nullopt;
  return code;
}

std::optional<std::string> UpstreamTraceId(const absl::Status& status) {
  auto p = status.GetPayload(kTraceIdPayload);
  if (!p) return std::nullopt;
  return std::string(*p);
}

}  // namespace ghl
