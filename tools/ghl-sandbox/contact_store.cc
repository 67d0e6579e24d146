#include "tools/ghl-sandbox/contact_store.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/error/en.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {

struct ContactStore::LocationState {
  std::optional<LocationInfo> info;
  RelatedGenerator generator;
  std::vector<ContactRecord*> order;  // by (date_added_ms, id)
  internal::FieldIndex by_email;
  internal::FieldIndex by_phone;
};

namespace {

using FieldPtr = std::string ContactRecord::*;

bool KeyLess(const ContactRecord* a, const ContactRecord* b) {
  if (a->date_added_ms != b->date_added_ms) return a->date_added_ms < b->date_added_ms;
  return a->id < b->id;
}

// True when the record sorts strictly after the cursor.
bool IsAfter(const ContactRecord* r, const ListCursor& c) {
  if (r->date_added_ms != c.date_added_ms) return r->date_added_ms > c.date_added_ms;
  return c.id.has_value() && r->id > *c.id;
}

absl::string_view StringMember(const rapidjson::Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return absl::string_view(it->value.GetString(), it->value.GetStringLength());
}

void AddToIndex(internal::FieldIndex* index, ContactRecord* record, FieldPtr field) {
  const std::string& value = record->*field;
  if (value.empty()) return;
  (*index)[absl::string_view(value)].push_back(record);
}

// The key of a bucket views a string inside one of its records; when that
// record leaves, the bucket is re-keyed onto a remaining record's string.
void RemoveFromIndex(internal::FieldIndex* index, ContactRecord* record, FieldPtr field) {
  const std::string& value = record->*field;
  if (value.empty()) return;
  auto it = index->find(absl::string_view(value));
  if (it == index->end()) return;
  auto& bucket = it->second;
  bucket.erase(std::remove(bucket.begin(), bucket.end(), record), bucket.end());
  if (bucket.empty()) {
    index->erase(it);
    return;
  }
  if (it->first.data() == value.data()) {
    auto moved = std::move(bucket);
    index->erase(it);
    const absl::string_view key(moved.front()->*field);
    index->emplace(key, std::move(moved));
  }
}

const ContactRecord* FindInIndex(const internal::FieldIndex& index, absl::string_view key,
                                 absl::string_view exclude_id) {
  if (key.empty()) return nullptr;
  const auto it = index.find(key);
  if (it == index.end()) return nullptr;
  for (const ContactRecord* r : it->second) {
    if (r->id != exclude_id) return r;
  }
  return nullptr;
}

}  // namespace

const CustomFieldDefinition* LocationInfo::FindCustomField(absl::string_view id_or_key) const {
  for (const auto& def : custom_fields) {
    if (def.id == id_or_key || def.key == id_or_key) return &def;
  }
  for (const auto& def : custom_fields) {
    const absl::string_view key(def.key);
    if (absl::StartsWith(key, "contact.") && key.substr(8) == id_or_key) return &def;
    if (absl::StartsWith(id_or_key, "contact.") && id_or_key.substr(8) == key) return &def;
  }
  return nullptr;
}

absl::StatusOr<ContactRecord> ContactRecord::FromValue(const rapidjson::Value& contact,
                                                       std::string json) {
  if (!contact.IsObject()) return absl::InvalidArgumentError("a contact must be a JSON object");
  ContactRecord r;
  r.id = std::string(StringMember(contact, "id"));
  if (r.id.empty()) return absl::InvalidArgumentError("contact has no string \"id\"");
  r.location_id = std::string(StringMember(contact, "locationId"));
  if (r.location_id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("contact ", r.id, " has no string \"locationId\""));
  }
  const absl::string_view date_added = StringMember(contact, "dateAdded");
  if (!date_added.empty()) {
    const auto ms = ParseIsoMillis(date_added);
    if (!ms) {
      return absl::InvalidArgumentError(absl::StrCat("contact ", r.id, " has a malformed dateAdded"));
    }
    r.date_added_ms = *ms;
  }
  r.email_lower = Utf8ToLower(StringMember(contact, "email"));
  const absl::string_view phone = StringMember(contact, "phone");
  if (!phone.empty()) {
    const auto normalized = NormalizePhone(phone);
    r.phone = normalized ? *normalized : std::string(phone);
  }
  std::string name(StringMember(contact, "name"));
  if (name.empty()) {
    const absl::string_view first = StringMember(contact, "firstName");
    const absl::string_view last = StringMember(contact, "lastName");
    name = absl::StrCat(first, !first.empty() && !last.empty() ? " " : "", last);
  }
  r.search_text = Utf8ToLower(absl::StrCat(name, "\n", StringMember(contact, "companyName")));
  r.display_name = std::move(name);
  r.business_id = std::string(StringMember(contact, "businessId"));
  r.json = std::move(json);
  return r;
}

absl::StatusOr<ContactRecord> ContactRecord::FromJson(std::string json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat("malformed contact JSON at offset ",
                                                   doc.GetErrorOffset(), ": ",
                                                   rapidjson::GetParseError_En(doc.GetParseError())));
  }
  return FromValue(doc, std::move(json));
}

ContactStore::ContactStore() = default;
ContactStore::~ContactStore() = default;

ContactStore::LocationState& ContactStore::StateFor(absl::string_view location_id) {
  auto& slot = locations_[std::string(location_id)];
  if (!slot) slot = std::make_unique<LocationState>();
  return *slot;
}

const ContactStore::LocationState* ContactStore::FindState(absl::string_view location_id) const {
  const auto it = locations_.find(location_id);
  return it == locations_.end() ? nullptr : it->second.get();
}

void ContactStore::PutLocation(LocationInfo info) {
  LocationState& state = StateFor(info.id);
  state.info = std::move(info);
}

const LocationInfo* ContactStore::FindLocation(absl::string_view location_id) const {
  const LocationState* state = FindState(location_id);
  return state && state->info ? &*state->info : nullptr;
}

void ContactStore::IndexFields(LocationState& state, ContactRecord* record) {
  AddToIndex(&state.by_email, record, &ContactRecord::email_lower);
  AddToIndex(&state.by_phone, record, &ContactRecord::phone);
}

void ContactStore::UnindexFields(LocationState& state, ContactRecord* record) {
  RemoveFromIndex(&state.by_email, record, &ContactRecord::email_lower);
  RemoveFromIndex(&state.by_phone, record, &ContactRecord::phone);
}

void ContactStore::InsertOrdered(LocationState& state, ContactRecord* record) {
  auto pos = std::upper_bound(state.order.begin(), state.order.end(), record, KeyLess);
  state.order.insert(pos, record);
}

void ContactStore::RemoveOrdered(LocationState& state, const ContactRecord* record) {
  auto pos = std::lower_bound(state.order.begin(), state.order.end(), record, KeyLess);
  if (pos != state.order.end() && *pos == record) state.order.erase(pos);
}

absl::Status ContactStore::AddContacts(std::vector<ContactRecord> records) {
  ++version_;
  by_id_.reserve(by_id_.size() + records.size());
  absl::flat_hash_set<LocationState*> touched;
  absl::Status status;
  for (auto& record : records) {
    if (by_id_.contains(record.id)) {
      status = absl::AlreadyExistsError(absl::StrCat("duplicate contact id ", record.id));
      break;
    }
    auto owned = std::make_unique<ContactRecord>(std::move(record));
    ContactRecord* r = owned.get();
    by_id_.emplace(absl::string_view(r->id), std::move(owned));
    LocationState& state = StateFor(r->location_id);
    state.order.push_back(r);
    IndexFields(state, r);
    touched.insert(&state);
  }
  for (LocationState* state : touched) {
    if (!std::is_sorted(state->order.begin(), state->order.end(), KeyLess)) {
      std::sort(state->order.begin(), state->order.end(), KeyLess);
    }
  }
  return status;
}

absl::Status ContactStore::AddContact(ContactRecord record) {
  if (by_id_.contains(record.id)) {
    return absl::AlreadyExistsError(absl::StrCat("duplicate contact id ", record.id));
  }
  ++version_;
  auto owned = std::make_unique<ContactRecord>(std::move(record));
  ContactRecord* r = owned.get();
  by_id_.emplace(absl::string_view(r->id), std::move(owned));
  LocationState& state = StateFor(r->location_id);
  InsertOrdered(state, r);
  IndexFields(state, r);
  return absl::OkStatus();
}

absl::Status ContactStore::ReplaceContact(ContactRecord record) {
  auto it = by_id_.find(record.id);
  if (it == by_id_.end()) return absl::NotFoundError(absl::StrCat("no contact ", record.id));
  if (it->second->location_id != record.location_id) {
    return absl::InvalidArgumentError("a contact cannot move to another location");
  }
  std::unique_ptr<ContactRecord> old = std::move(it->second);
  by_id_.erase(it);
  LocationState& state = StateFor(old->location_id);
  UnindexFields(state, old.get());
  RemoveOrdered(state, old.get());
  old.reset();
  return AddContact(std::move(record));
}

bool ContactStore::EraseContact(absl::string_view id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  ++version_;
  ContactRecord* r = it->second.get();
  LocationState& state = StateFor(r->location_id);
  UnindexFields(state, r);
  RemoveOrdered(state, r);
  for (int k = 0; k < 3; ++k) {
    auto rel = related_[k].find(r->id);
    if (rel != related_[k].end()) {
      related_counts_[k] -= rel->second.size();
      related_[k].erase(rel);
    }
  }
  for (auto& m : memberships_) m.erase(r->id);
  by_id_.erase(it);
  return true;
}

const ContactRecord* ContactStore::Find(absl::string_view id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

const ContactRecord* ContactStore::FindByEmail(absl::string_view location_id,
                                               absl::string_view email_lower,
                                               absl::string_view exclude_id) const {
  const LocationState* state = FindState(location_id);
  return state ? FindInIndex(state->by_email, email_lower, exclude_id) : nullptr;
}

const ContactRecord* ContactStore::FindByPhone(absl::string_view location_id,
                                               absl::string_view phone,
                                               absl::string_view exclude_id) const {
  const LocationState* state = FindState(location_id);
  return state ? FindInIndex(state->by_phone, phone, exclude_id) : nullptr;
}

ListResult ContactStore::List(const ListQuery& query) const {
  ListResult result;
  const LocationState* state = FindState(query.location_id);
  if (state == nullptr) return result;
  const auto& order = state->order;
  if (query.query_lower.empty()) {
    auto first = order.begin();
    if (query.after) {
      first = std::partition_point(order.begin(), order.end(), [&](const ContactRecord* r) {
        return !IsAfter(r, *query.after);
      });
    }
    result.total = order.size();
    result.before = static_cast<size_t>(first - order.begin());
    const size_t take = std::min(query.limit, static_cast<size_t>(order.end() - first));
    result.page.assign(first, first + static_cast<std::ptrdiff_t>(take));
    result.has_more = result.before + take < order.size();
    return result;
  }
  const absl::string_view q(query.query_lower);
  for (const ContactRecord* r : order) {
    if (!absl::StrContains(r->search_text, q) && !absl::StrContains(r->email_lower, q) &&
        !absl::StrContains(r->phone, q)) {
      continue;
    }
    ++result.total;
    if (query.after && !IsAfter(r, *query.after)) {
      ++result.before;
    } else if (result.page.size() < query.limit) {
      result.page.push_back(r);
    } else {
      result.has_more = true;
    }
  }
  return result;
}

size_t ContactStore::CountInLocation(absl::string_view location_id) const {
  const LocationState* state = FindState(location_id);
  return state ? state->order.size() : 0;
}

void ContactStore::AddRelated(RelatedKind kind, std::string contact_id, std::string json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  std::string id = doc.IsObject() ? std::string(StringMember(doc, "id")) : std::string();
  AddRelated(kind, absl::string_view(contact_id), RelatedRecord{std::move(id), std::move(json)});
}

void ContactStore::AddRelated(RelatedKind kind, absl::string_view contact_id, RelatedRecord record) {
  const int k = static_cast<int>(kind);
  related_[k][contact_id].push_back(std::move(record));
  ++related_counts_[k];
}

std::vector<std::string> ContactStore::Related(RelatedKind kind, absl::string_view contact_id) const {
  std::vector<std::string> out;
  for (auto& r : RelatedRecords(kind, contact_id)) out.push_back(std::move(r.json));
  return out;
}

std::vector<RelatedRecord> ContactStore::RelatedRecords(RelatedKind kind,
                                                        absl::string_view contact_id) const {
  const auto& map = related_[static_cast<int>(kind)];
  const auto it = map.find(contact_id);
  if (it != map.end()) return it->second;
  const ContactRecord* contact = Find(contact_id);
  if (contact == nullptr) return {};
  const LocationState* state = FindState(contact->location_id);
  if (state == nullptr || !state->generator) return {};
  return state->generator(kind, *contact);
}

std::optional<RelatedRecord> ContactStore::FindRelated(RelatedKind kind,
                                                       absl::string_view contact_id,
                                                       absl::string_view id) const {
  const auto& map = related_[static_cast<int>(kind)];
  const auto it = map.find(contact_id);
  if (it != map.end()) {
    for (const auto& r : it->second) {
      if (r.id == id) return r;
    }
    return std::nullopt;
  }
  for (auto& r : RelatedRecords(kind, contact_id)) {
    if (r.id == id) return std::move(r);
  }
  return std::nullopt;
}

std::vector<RelatedRecord>* ContactStore::MaterializeRelated(RelatedKind kind,
                                                             absl::string_view contact_id) {
  const int k = static_cast<int>(kind);
  auto it = related_[k].find(contact_id);
  if (it == related_[k].end()) {
    std::vector<RelatedRecord> records = RelatedRecords(kind, contact_id);
    related_counts_[k] += records.size();
    it = related_[k].emplace(std::string(contact_id), std::move(records)).first;
  }
  return &it->second;
}

void ContactStore::PutRelated(RelatedKind kind, absl::string_view contact_id,
                              RelatedRecord record) {
  std::vector<RelatedRecord>* records = MaterializeRelated(kind, contact_id);
  for (auto& r : *records) {
    if (r.id == record.id) {
      r = std::move(record);
      return;
    }
  }
  records->push_back(std::move(record));
  ++related_counts_[static_cast<int>(kind)];
}

bool ContactStore::EraseRelated(RelatedKind kind, absl::string_view contact_id,
                                absl::string_view id) {
  std::vector<RelatedRecord>* records = MaterializeRelated(kind, contact_id);
  for (auto r = records->begin(); r != records->end(); ++r) {
    if (r->id == id) {
      records->erase(r);
      --related_counts_[static_cast<int>(kind)];
      return true;
    }
  }
  return false;
}

void ContactStore::StartEmptyRelated(absl::string_view contact_id) {
  for (auto& map : related_) map.try_emplace(std::string(contact_id));
}

size_t ContactStore::RelatedCount(RelatedKind kind) const {
  return related_counts_[static_cast<int>(kind)];
}

void ContactStore::SetRelatedGenerator(absl::string_view location_id, RelatedGenerator generator) {
  StateFor(location_id).generator = std::move(generator);
}

std::vector<std::string> ContactStore::Memberships(MembershipKind kind,
                                                   absl::string_view contact_id) const {
  const auto& map = memberships_[static_cast<int>(kind)];
  const auto it = map.find(contact_id);
  return it == map.end() ? std::vector<std::string>{} : it->second;
}

bool ContactStore::AddMembership(MembershipKind kind, absl::string_view contact_id,
                                 absl::string_view id) {
  auto& ids = memberships_[static_cast<int>(kind)][contact_id];
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return false;
  ids.emplace_back(id);
  return true;
}

bool ContactStore::RemoveMembership(MembershipKind kind, absl::string_view contact_id,
                                    absl::string_view id) {
  auto& map = memberships_[static_cast<int>(kind)];
  const auto it = map.find(contact_id);
  if (it == map.end()) return false;
  auto& ids = it->second;
  const auto pos = std::find(ids.begin(), ids.end(), id);
  if (pos == ids.end()) return false;
  ids.erase(pos);
  if (ids.empty()) map.erase(it);
  return true;
}

size_t ContactStore::ClearMemberships(MembershipKind kind, absl::string_view contact_id) {
  auto& map = memberships_[static_cast<int>(kind)];
  const auto it = map.find(contact_id);
  if (it == map.end()) return 0;
  const size_t n = it->second.size();
  map.erase(it);
  return n;
}

const std::vector<ContactRecord*>& ContactStore::Ordered(absl::string_view location_id) const {
  static const auto* const kEmpty = new std::vector<ContactRecord*>();
  const LocationState* state = FindState(location_id);
  return state ? state->order : *kEmpty;
}

}  // namespace ghl::sandbox
