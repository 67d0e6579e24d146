#include "tools/ghl-sandbox/webhook_events.h"

#include "absl/status/status.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace ghl::sandbox {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteText(Writer& w, absl::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

rapidjson::Document ParseObject(absl::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) doc.SetObject();
  return doc;
}

// Whether member `name` differs (absent and null are the same: no value).
bool Differs(const rapidjson::Value& a, const rapidjson::Value& b, const char* name) {
  const auto ia = a.FindMember(name);
  const auto ib = b.FindMember(name);
  const bool has_a = ia != a.MemberEnd() && !ia->value.IsNull();
  const bool has_b = ib != b.MemberEnd() && !ib->value.IsNull();
  if (has_a != has_b) return true;
  return has_a && ia->value != ib->value;
}

}  // namespace

absl::StatusOr<std::string> WebhookBody(absl::string_view type, absl::string_view location_id,
                                        absl::string_view resource_json,
                                        absl::string_view timestamp, absl::string_view webhook_id) {
  rapidjson::Document resource;
  resource.Parse<rapidjson::kParseFullPrecisionFlag>(resource_json.data(), resource_json.size());
  if (resource.HasParseError() || !resource.IsObject()) {
    return absl::InternalError("a webhook resource is not a JSON object");
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("type");
  WriteText(w, type);
  w.Key("locationId");
  WriteText(w, location_id);
  for (const auto& m : resource.GetObject()) {
    const absl::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name == "type" || name == "locationId" || name == "timestamp" || name == "webhookId") {
      continue;
    }
    w.Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(w);
  }
  w.Key("timestamp");
  WriteText(w, timestamp);
  w.Key("webhookId");
  WriteText(w, webhook_id);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<const char*> ContactChangeEvents(ContactChange change, absl::string_view before_json,
                                             absl::string_view after_json) {
  const rapidjson::Document before = ParseObject(before_json);
  const rapidjson::Document after = ParseObject(after_json);
  std::vector<const char*> events;
  if (change == ContactChange::kUpdate) {
    events.push_back(kContactUpdate);
    if (Differs(before, after, "dnd") || Differs(before, after, "dndSettings")) {
      events.push_back(kContactDndUpdate);
    }
  }
  if (Differs(before, after, "tags")) events.push_back(kContactTagUpdate);
  return events;
}

}  // namespace ghl::sandbox
