#include "tools/ghl-sandbox/api_util.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox::internal {

void WriteString(JsonWriter& w, absl::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteStringArray(JsonWriter& w, const std::vector<std::string>& items) {
  w.StartArray();
  for (const auto& item : items) WriteString(w, item);
  w.EndArray();
}

std::string Finish(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Bodies GHL accepts are a few levels deep; 64 leaves room and keeps every
// recursive walk of the document (copies, writers) far from the stack limit.
static constexpr int kMaxBodyDepth = 64;

// Nesting depth of a JSON value, computed without recursion.
static int JsonDepth(const rapidjson::Value& root) {
  int max_depth = 0;
  std::vector<std::pair<const rapidjson::Value*, int>> stack{{&root, 1}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    max_depth = std::max(max_depth, depth);
    if (depth > kMaxBodyDepth) break;
    if (v->IsObject()) {
      for (const auto& m : v->GetObject()) stack.emplace_back(&m.value, depth + 1);
    } else if (v->IsArray()) {
      for (const auto& e : v->GetArray()) stack.emplace_back(&e, depth + 1);
    }
  }
  return max_depth;
}

HttpResponse Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse Error(int status, absl::string_view message, absl::string_view error,
                   absl::string_view trace_id) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("statusCode");
  w.Int(status);
  w.Key("message");
  WriteString(w, message);
  if (!error.empty()) {
    w.Key("error");
    WriteString(w, error);
  }
  w.Key("traceId");
  WriteString(w, trace_id);
  w.EndObject();
  return Json(status, Finish(buffer));
}

HttpResponse Unprocessable(const std::vector<std::string>& messages, absl::string_view trace_id) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("statusCode");
  w.Int(422);
  w.Key("message");
  WriteStringArray(w, messages);
  w.Key("error");
  w.String("Unprocessable Entity");
  w.Key("traceId");
  WriteString(w, trace_id);
  w.EndObject();
  return Json(422, Finish(buffer));
}

HttpResponse Forbidden(absl::string_view trace_id) {
  return Error(403, "The token does not have access to this location.", "", trace_id);
}

HttpResponse ContactNotFound(absl::string_view trace_id) {
  return Error(404, "Contact not found", "", trace_id);
}

HttpResponse InternalError(absl::string_view trace_id) {
  return Error(500, "Internal server error", "", trace_id);
}

std::optional<HttpResponse> ParseBody(const std::string& body, rapidjson::Document* doc,
                                      absl::string_view trace_id) {
  if (absl::StripAsciiWhitespace(body).empty()) {
    doc->SetObject();
    return std::nullopt;
  }
  doc->Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag |
             rapidjson::kParseValidateEncodingFlag>(
      body.data(), body.size());
  if (!doc->HasParseError()) {
    // Later steps walk the document recursively; bound the depth first.
    if (JsonDepth(*doc) > kMaxBodyDepth) {
      return Error(400, absl::StrCat("Request body nested deeper than ", kMaxBodyDepth, " levels"),
                   "Bad Request", trace_id);
    }
    return std::nullopt;
  }
  const size_t at = doc->GetErrorOffset();
  std::string message;
  if (at >= body.size()) {
    message = "Unexpected end of JSON input";
  } else {
    const auto c = static_cast<unsigned char>(body[at]);
    message = c >= 0x21 && c < 0x7F ? absl::StrCat("Unexpected token ", std::string(1, body[at]),
                                                   " in JSON at position ", at)
                                    : absl::StrCat("Unexpected token in JSON at position ", at);
  }
  return Error(400, message, "Bad Request", trace_id);
}

std::optional<HttpResponse> ParseObjectBody(const std::string& body, rapidjson::Document* doc,
                                            absl::string_view trace_id) {
  if (auto error = ParseBody(body, doc, trace_id)) return error;
  if (!doc->IsObject()) {
    return Error(400, "Request body must be a JSON object", "Bad Request", trace_id);
  }
  return std::nullopt;
}

absl::string_view StringMember(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return {};
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return View(it->value);
}

namespace {

size_t CharacterCount(absl::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The first failing constraint of a present, non-null value, or "".
std::string CheckProp(const PropRule& rule, const rapidjson::Value& value) {
  const absl::string_view name(rule.name);
  switch (rule.type) {
    case PropType::kString:
      if (!value.IsString()) return absl::StrCat(name, " must be a string");
      if (rule.required && value.GetStringLength() == 0) {
        return absl::StrCat(name, " should not be empty");
      }
      return "";
    case PropType::kBool:
      return value.IsBool() ? "" : absl::StrCat(name, " must be a boolean value");
    case PropType::kIsoDate:
      return value.IsString() && ParseIso8601(View(value))
                 ? ""
                 : absl::StrCat(name, " must be a valid ISO 8601 date string");
    case PropType::kStringArray:
      if (!value.IsArray()) return absl::StrCat(name, " must be an array");
      for (const auto& item : value.GetArray()) {
        if (!item.IsString()) return absl::StrCat("each value in ", name, " must be a string");
        if (rule.max_item_length > 0 && CharacterCount(View(item)) > rule.max_item_length) {
          return absl::StrCat("each value in ", name, " must be shorter than or equal to ",
                              rule.max_item_length, " characters");
        }
      }
      return "";
  }
  return "";
}

}  // namespace

std::vector<std::string> ValidateProps(const rapidjson::Value& body,
                                       absl::Span<const PropRule> rules) {
  std::vector<std::string> out;
  if (!body.IsObject()) return out;
  for (const auto& m : body.GetObject()) {
    bool known = false;
    for (const auto& rule : rules) known = known || View(m.name) == rule.name;
    if (!known) out.push_back(absl::StrCat("property ", View(m.name), " should not exist"));
  }
  for (const auto& rule : rules) {
    const auto it = body.FindMember(rule.name);
    if (it == body.MemberEnd() || (it->value.IsNull() && !rule.nullable)) {
      if (rule.required) out.push_back(absl::StrCat(rule.name, " should not be empty"));
      continue;
    }
    if (it->value.IsNull()) continue;
    std::string message = CheckProp(rule, it->value);
    if (!message.empty()) out.push_back(std::move(message));
  }
  return out;
}

std::vector<std::string> StringItems(const rapidjson::Value& obj, const char* name) {
  std::vector<std::string> out;
  if (!obj.IsObject()) return out;
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) {
    if (v.IsString()) out.emplace_back(View(v));
  }
  return out;
}

std::string WithMember(absl::string_view object_json, absl::string_view name,
                       absl::string_view value_json) {
  std::string out;
  out.reserve(object_json.size() + name.size() + value_json.size() + 8);
  const size_t close = object_json.rfind('}');
  out.append(object_json.data(), close);
  const bool empty = absl::StripTrailingAsciiWhitespace(object_json.substr(0, close)) == "{";
  absl::StrAppend(&out, empty ? "" : ",", "\"", name, "\":", value_json, "}");
  return out;
}

}  // namespace ghl::sandbox::internal
