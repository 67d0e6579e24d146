#include "adapters/ghl/contacts/contact_actions.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/contacts/json_mapping.h"
#include "adapters/ghl/http/http_transport.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::json::Json;
using ::ghl::contacts::json::JsonString;

constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag;

bool IsBlank(const std::string& body) {
  return body.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Parses a 2xx answer that must be a JSON object.
absl::Status ParseAnswer(const std::string& body, absl::string_view operation,
                         rapidjson::Document* doc) {
  doc->Parse<kParseFlags>(body.data(), body.size());
  if (doc->HasParseError()) {
    return absl::UnavailableError(absl::StrCat(
        "malformed JSON from GHL ", operation, " (", body.size(), " bytes, offset ",
        doc->GetErrorOffset(), "): ", rapidjson::GetParseError_En(doc->GetParseError())));
  }
  if (!doc->IsObject()) {
    return absl::InternalError(
        absl::StrCat("GHL answered ", operation, " with JSON that is not an object"));
  }
  return absl::OkStatus();
}

// The contact object of `doc` (member "contact") into `out`; false when the
// member is absent or null.
absl::StatusOr<bool> ReadContact(const rapidjson::Document& doc, absl::string_view operation,
                                 v1::Contact* out) {
  auto it = doc.FindMember("contact");
  if (it == doc.MemberEnd() || it->value.IsNull()) return false;
  if (!it->value.IsObject()) {
    return absl::InternalError(
        absl::StrCat("GHL ", operation, " response: `contact` is not an object"));
  }
  if (auto s = ContactFromJson(it->value, out); !s.ok()) {
    return absl::InternalError(
        absl::StrCat("GHL sent a contact that cannot be mapped: ", s.message()));
  }
  return true;
}

// A small answer typed by the generic mapper (unknown members to `extra`).
template <typename T>
absl::StatusOr<T> ParseTyped(const std::string& body, absl::string_view operation,
                             json::JsonMapperOptions options) {
  static const json::JsonMapper* const kMapper = new json::JsonMapper(std::move(options));
  rapidjson::Document doc;
  if (auto s = ParseAnswer(body, operation, &doc); !s.ok()) return s;
  T out;
  if (auto s = kMapper->FromJson(doc, &out); !s.ok()) {
    return absl::InternalError(
        absl::StrCat("GHL ", operation, " response cannot be mapped: ", s.message()));
  }
  return out;
}

json::JsonMapperOptions MapperOptions(const google::protobuf::Descriptor* root, const char* noun) {
  json::JsonMapperOptions options;
  options.root = root;
  options.noun = noun;
  return options;
}

}  // namespace

absl::StatusOr<std::string> UpsertContactBody(const v1::UpsertContactRequest& request) {
  auto body = CreateContactBody(request.location_id(), request.contact());
  if (!body.ok() || !request.create_new_if_duplicate_allowed()) return body;
  rapidjson::Document doc;
  doc.Parse(body->data(), body->size());
  doc.AddMember("createNewIfDuplicateAllowed", true, doc.GetAllocator());
  return json::Serialize(doc);
}

absl::StatusOr<v1::UpsertContactResponse> ParseUpsertContactBody(const std::string& body) {
  rapidjson::Document doc;
  if (auto s = ParseAnswer(body, "upsert-contact", &doc); !s.ok()) return s;
  v1::UpsertContactResponse out;
  auto found = ReadContact(doc, "upsert-contact", out.mutable_contact());
  if (!found.ok()) return found.status();
  if (!*found) return absl::InternalError("GHL upsert-contact response has no contact object");
  auto created = doc.FindMember("new");
  out.set_created(created != doc.MemberEnd() && created->value.IsBool() &&
                  created->value.GetBool());
  if (!out.created()) out.set_matched_contact_id(out.contact().id());
  return out;
}

std::string DuplicateContactQuery(const v1::FindDuplicateContactRequest& request) {
  std::string query = absl::StrCat("locationId=", http::UrlEncode(request.location_id()));
  // UrlEncode turns "+1423164516" into "%2B1423164516", as the spec asks.
  if (!request.phone().empty())
    absl::StrAppend(&query, "&number=", http::UrlEncode(request.phone()));
  if (!request.email().empty())
    absl::StrAppend(&query, "&email=", http::UrlEncode(request.email()));
  return query;
}

absl::StatusOr<v1::FindDuplicateContactResponse> ParseDuplicateContactBody(
    const std::string& body) {
  v1::FindDuplicateContactResponse out;
  if (IsBlank(body)) return out;
  rapidjson::Document doc;
  if (auto s = ParseAnswer(body, "get-duplicate-contact", &doc); !s.ok()) return s;
  auto found = ReadContact(doc, "get-duplicate-contact", out.mutable_contact());
  if (!found.ok()) return found.status();
  if (!*found) out.clear_contact();
  return out;
}

std::string FollowersBody(const google::protobuf::RepeatedPtrField<std::string>& followers) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  Json list(rapidjson::kArrayType);
  for (const std::string& id : followers) list.PushBack(JsonString(id, alloc), alloc);
  doc.AddMember("followers", list, alloc);
  return json::Serialize(doc);
}

absl::StatusOr<v1::AddFollowersResponse> ParseAddFollowersBody(const std::string& body) {
  return ParseTyped<v1::AddFollowersResponse>(
      body, "add-followers-contact",
      MapperOptions(v1::AddFollowersResponse::descriptor(), "add-followers answer"));
}

absl::StatusOr<v1::RemoveFollowersResponse> ParseRemoveFollowersBody(const std::string& body) {
  return ParseTyped<v1::RemoveFollowersResponse>(
      body, "remove-followers-contact",
      MapperOptions(v1::RemoveFollowersResponse::descriptor(), "remove-followers answer"));
}

std::string WorkflowBody(const google::protobuf::Timestamp* event_start_time) {
  if (event_start_time == nullptr) return "{}";
  rapidjson::Document doc(rapidjson::kObjectType);
  doc.AddMember("eventStartTime", JsonString(FormatGhlTime(*event_start_time), doc.GetAllocator()),
                doc.GetAllocator());
  return json::Serialize(doc);
}

absl::Status CheckSucceded(const std::string& body, absl::string_view operation) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return absl::OkStatus();
  auto ok = doc.FindMember("succeded");
  if (ok != doc.MemberEnd() && ok->value.IsFalse()) {
    return absl::InternalError(absl::StrCat("GHL answered ", operation, " with succeded=false"));
  }
  return absl::OkStatus();
}

std::string BulkUpdateBusinessBody(const v1::BulkUpdateBusinessRequest& request) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  doc.AddMember("locationId", JsonString(request.location_id(), alloc), alloc);
  Json ids(rapidjson::kArrayType);
  for (const std::string& id : request.contact_ids()) ids.PushBack(JsonString(id, alloc), alloc);
  doc.AddMember("ids", ids, alloc);
  Json business;  // null: take the contacts out of their business
  if (request.target_case() == v1::BulkUpdateBusinessRequest::kBusinessId) {
    business = JsonString(request.business_id(), alloc);
  }
  doc.AddMember("businessId", business, alloc);
  return json::Serialize(doc);
}

absl::StatusOr<v1::BulkUpdateBusinessResponse> ParseBulkUpdateBusinessBody(
    const std::string& body) {
  json::JsonMapperOptions options =
      MapperOptions(v1::BulkUpdateBusinessResponse::descriptor(), "bulk business answer");
  options.json_names = {
      {v1::BulkUpdateBusinessResponse::descriptor()->FindFieldByName("contact_ids"), "ids"}};
  auto out = ParseTyped<v1::BulkUpdateBusinessResponse>(body, "add-remove-contact-from-business",
                                                        std::move(options));
  if (!out.ok()) return out;
  // `success` is not typed (an error says it): it stays in extra, and false
  // fails the call.
  auto success = out->extra().fields().find("success");
  if (success != out->extra().fields().end() && success->second.has_bool_value() &&
      !success->second.bool_value()) {
    return absl::InternalError("GHL answered add-remove-contact-from-business with success=false");
  }
  return out;
}

}  // namespace ghl::contacts
