// SandboxService handlers that change one contact's lists or memberships
// (add-tags, remove-tags, add/remove-followers-contact, campaigns,
// workflows) and the two bulk operations (create-association = bulk tag
// update by type, add-remove-contact-from-business).
//
// Decisions where the spec is silent:
// - Tags and followers are lists of exact strings (a tag may contain commas
//   and spaces; "VIP" and "vip" are different tags); adding keeps the
//   existing order and appends what is new, removing drops exact matches.
//   A change rewrites the contact (dateUpdated stamped); a no-op does not.
// - Campaign and workflow ids are not checked against any list (the sandbox
//   has no campaigns or workflows; GHL accepts the call for any id of its
//   account): membership is kept per contact (SandboxService::Memberships).
//   Adding twice or removing a non-member still answers succeded: true.
// - Bulk tag update answers 201 {succeded: true, errorCount, responses}. The
//   spec types `responses` as an array of strings while its example shows
//   objects; to stay inside the schema each item is the JSON text of the
//   object GHL's example shows ({contactId, message, type, oldTags,
//   tagsAdded, tagsRemoved}), e.g. "contact does not belong to location".
// - Bulk business sets (or, with businessId null, removes) `businessId` on
//   each contact of the location among `ids` and answers {success, ids} with
//   the ids it changed; unknown ids and other locations' contacts are
//   skipped.
#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/api_util.h"
#include "tools/ghl-sandbox/contact_dto.h"
#include "tools/ghl-sandbox/sandbox_service.h"

namespace ghl::sandbox {
namespace {

using internal::Finish;
using internal::Forbidden;
using internal::InternalError;
using internal::Json;
using internal::JsonWriter;
using internal::ParseObjectBody;
using internal::PropRule;
using internal::PropType;
using internal::StringItems;
using internal::StringMember;
using internal::Unprocessable;
using internal::ValidateProps;
using internal::WriteString;
using internal::WriteStringArray;

using Allocator = rapidjson::Document::AllocatorType;

constexpr PropRule kWorkflowDto[] = {{"eventStartTime", PropType::kIsoDate}};
constexpr PropRule kUpdateTagsDto[] = {
    {"contacts", PropType::kStringArray, true},
    {"tags", PropType::kStringArray, true},
    {"locationId", PropType::kString, true},
    {"removeAllTags", PropType::kBool},
};
constexpr PropRule kBusinessUpdateDto[] = {
    {"locationId", PropType::kString, true},
    {"ids", PropType::kStringArray, true, false, 50},
    {"businessId", PropType::kString, true, true},
};

// The string items of a contact's array member.
std::vector<std::string> ListOf(const rapidjson::Value& contact, const char* name) {
  return StringItems(contact, name);
}

void SetList(rapidjson::Document& contact, const char* name,
             const std::vector<std::string>& items) {
  Allocator& a = contact.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& item : items) {
    list.PushBack(rapidjson::Value(item.data(), static_cast<rapidjson::SizeType>(item.size()), a),
                  a);
  }
  const auto it = contact.FindMember(name);
  if (it != contact.MemberEnd()) {
    it->value = std::move(list);
  } else {
    contact.AddMember(rapidjson::StringRef(name), std::move(list), a);
  }
}

// `current` plus the new items of `add` (exact, first occurrence kept).
std::vector<std::string> Added(std::vector<std::string> current,
                               const std::vector<std::string>& add,
                               std::vector<std::string>* added) {
  absl::flat_hash_set<std::string> seen(current.begin(), current.end());
  for (const auto& item : add) {
    if (seen.insert(item).second) {
      current.push_back(item);
      added->push_back(item);
    }
  }
  return current;
}

// `current` without the items of `remove`.
std::vector<std::string> Removed(const std::vector<std::string>& current,
                                 const std::vector<std::string>& remove,
                                 std::vector<std::string>* removed) {
  const absl::flat_hash_set<std::string> drop(remove.begin(), remove.end());
  std::vector<std::string> out;
  for (const auto& item : current) {
    if (drop.contains(item)) {
      if (std::find(removed->begin(), removed->end(), item) == removed->end())
        removed->push_back(item);
    } else {
      out.push_back(item);
    }
  }
  return out;
}

bool IsFirebaseId(absl::string_view id) {
  return id.size() == 20 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
         });
}

std::string ListJson(const char* key, const std::vector<std::string>& items, const char* key2,
                     const std::vector<std::string>& items2) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key(key);
  WriteStringArray(w, items);
  if (key2 != nullptr) {
    w.Key(key2);
    WriteStringArray(w, items2);
  }
  w.EndObject();
  return Finish(buffer);
}

constexpr char kSucceeded[] = "{\"succeded\":true}";

}  // namespace

// ------------------------------------------------- a contact's tags, followers

// POST/DELETE /contacts/{contactId}/<member> with {"<member>": [...]}: adds
// (201) or removes (200) the items, and answers the resulting list (and, with
// `changed_member`, the items that changed).
HttpResponse SandboxService::ChangeContactList(const HttpRequest& request, Context& ctx,
                                               ListChange change, const char* member,
                                               const char* changed_member) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const PropRule dto[] = {{member, PropType::kStringArray, true}};
  const std::vector<std::string> messages = ValidateProps(body, dto);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  rapidjson::Document current;
  current.Parse(contact->json.data(), contact->json.size());
  std::vector<std::string> changed;
  const std::vector<std::string> list =
      change == ListChange::kAdd ? Added(ListOf(current, member), StringItems(body, member), &changed)
                                 : Removed(ListOf(current, member), StringItems(body, member), &changed);
  if (!changed.empty()) {
    const std::string before = contact->json;
    auto updated =
        RewriteContact(*contact, [&](rapidjson::Document& c) { SetList(c, member, list); });
    if (!updated.ok()) return InternalError(ctx.trace_id);
    EmitContactChange(std::string_view(member) == "tags" ? ContactChange::kTags
                                                         : ContactChange::kUpdate,
                      before, **updated);
  }
  return Json(change == ListChange::kAdd ? 201 : 200,
              ListJson(member, list, changed_member,
                       changed_member != nullptr ? changed : std::vector<std::string>{}));
}

// ---------------------------------------------------------------------- tags

HttpResponse SandboxService::AddTags(const HttpRequest& request, Context& ctx) {
  return ChangeContactList(request, ctx, ListChange::kAdd, "tags", nullptr);
}

HttpResponse SandboxService::RemoveTags(const HttpRequest& request, Context& ctx) {
  return ChangeContactList(request, ctx, ListChange::kRemove, "tags", nullptr);
}

HttpResponse SandboxService::BulkUpdateTags(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  const absl::string_view body_location = StringMember(body, "locationId");
  if (!body_location.empty() && body_location != ctx.grant->location_id)
    return Forbidden(ctx.trace_id);
  const absl::string_view type = ctx.params.Get("type");
  std::vector<std::string> messages;
  if (type != "add" && type != "remove") {
    messages.push_back("type must be one of the following values: add, remove");
  }
  for (auto& m : ValidateProps(body, kUpdateTagsDto)) messages.push_back(std::move(m));
  const auto remove_all = body.FindMember("removeAllTags");
  const bool remove_all_tags =
      remove_all != body.MemberEnd() && remove_all->value.IsBool() && remove_all->value.GetBool();
  if (remove_all_tags && type == "add") {
    messages.push_back("removeAllTags can only be used with type remove");
  }
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  const std::vector<std::string> tags = StringItems(body, "tags");
  std::vector<std::string> responses;
  size_t errors = 0;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  for (const std::string& id : StringItems(body, "contacts")) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("contactId");
    WriteString(w, id);
    const ContactRecord* contact = IsFirebaseId(id) ? store_.Find(id) : nullptr;
    const char* failure = !IsFirebaseId(id)    ? "contact id is not a valid firebase id"
                          : contact == nullptr ? "contact is deleted"
                          : contact->location_id != ctx.grant->location_id
                              ? "contact does not belong to location"
                              : nullptr;
    if (failure != nullptr) {
      ++errors;
      w.Key("message");
      w.String(failure);
      w.Key("type");
      w.String("error");
    } else {
      rapidjson::Document current;
      current.Parse(contact->json.data(), contact->json.size());
      const std::vector<std::string> old_tags = ListOf(current, "tags");
      std::vector<std::string> added, removed;
      const std::vector<std::string> next =
          type == "add" ? Added(old_tags, tags, &added)
                        : Removed(old_tags, remove_all_tags ? old_tags : tags, &removed);
      if (!added.empty() || !removed.empty()) {
        const std::string before = contact->json;
        auto updated =
            RewriteContact(*contact, [&](rapidjson::Document& c) { SetList(c, "tags", next); });
        if (!updated.ok()) return InternalError(ctx.trace_id);
        EmitContactChange(ContactChange::kTags, before, **updated);
      }
      w.Key("message");
      w.String("Tags updated");
      w.Key("type");
      w.String("success");
      w.Key("oldTags");
      WriteStringArray(w, old_tags);
      w.Key("tagsAdded");
      WriteStringArray(w, added);
      w.Key("tagsRemoved");
      WriteStringArray(w, removed);
    }
    w.EndObject();
    responses.push_back(Finish(buffer));
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("succeded");
  w.Bool(true);
  w.Key("errorCount");
  w.Uint64(errors);
  w.Key("responses");
  WriteStringArray(w, responses);
  w.EndObject();
  return Json(201, Finish(buffer));
}

// ----------------------------------------------------------------- followers

HttpResponse SandboxService::AddFollowers(const HttpRequest& request, Context& ctx) {
  return ChangeContactList(request, ctx, ListChange::kAdd, "followers", "followersAdded");
}

HttpResponse SandboxService::RemoveFollowers(const HttpRequest& request, Context& ctx) {
  return ChangeContactList(request, ctx, ListChange::kRemove, "followers", "followersRemoved");
}

// ------------------------------------------------------- campaigns, workflows

HttpResponse SandboxService::AddToCampaign(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const std::vector<std::string> messages = ValidateProps(body, {});
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);
  store_.AddMembership(MembershipKind::kCampaign, contact->id, ctx.params.Get("campaignId"));
  return Json(201, kSucceeded);
}

HttpResponse SandboxService::RemoveFromCampaign(const HttpRequest&, Context& ctx) {
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  store_.RemoveMembership(MembershipKind::kCampaign, contact->id, ctx.params.Get("campaignId"));
  return Json(200, kSucceeded);
}

HttpResponse SandboxService::RemoveFromAllCampaigns(const HttpRequest&, Context& ctx) {
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  store_.ClearMemberships(MembershipKind::kCampaign, contact->id);
  return Json(200, kSucceeded);
}

HttpResponse SandboxService::AddToWorkflow(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const std::vector<std::string> messages = ValidateProps(body, kWorkflowDto);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);
  store_.AddMembership(MembershipKind::kWorkflow, contact->id, ctx.params.Get("workflowId"));
  return Json(200, kSucceeded);
}

HttpResponse SandboxService::RemoveFromWorkflow(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const std::vector<std::string> messages = ValidateProps(body, kWorkflowDto);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);
  store_.RemoveMembership(MembershipKind::kWorkflow, contact->id, ctx.params.Get("workflowId"));
  return Json(200, kSucceeded);
}

// ------------------------------------------------------------ bulk business

HttpResponse SandboxService::BulkUpdateBusiness(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  const absl::string_view body_location = StringMember(body, "locationId");
  if (!body_location.empty() && body_location != ctx.grant->location_id)
    return Forbidden(ctx.trace_id);
  const std::vector<std::string> messages = ValidateProps(body, kBusinessUpdateDto);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  const rapidjson::Value& business = body["businessId"];
  std::vector<std::string> changed;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  for (const std::string& id : StringItems(body, "ids")) {
    const ContactRecord* contact = store_.Find(id);
    if (contact == nullptr || contact->location_id != ctx.grant->location_id) continue;
    if (std::find(changed.begin(), changed.end(), id) != changed.end()) continue;
    const std::string before = contact->json;
    auto updated = RewriteContact(*contact, [&](rapidjson::Document& c) {
      if (business.IsNull()) {
        c.EraseMember("businessId");
        return;
      }
      Allocator& a = c.GetAllocator();
      const auto it = c.FindMember("businessId");
      if (it != c.MemberEnd()) {
        it->value.CopyFrom(business, a);
      } else {
        c.AddMember("businessId", rapidjson::Value(business, a), a);
      }
    });
    if (!updated.ok()) return InternalError(ctx.trace_id);
    EmitContactChange(ContactChange::kUpdate, before, **updated);
    changed.push_back(id);
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("success");
  w.Bool(true);
  w.Key("ids");
  WriteStringArray(w, changed);
  w.EndObject();
  return Json(200, Finish(buffer));
}

}  // namespace ghl::sandbox
