// ContactStore: the sandbox's in-memory data, one or more GHL locations with
// their custom field definitions, their contacts and the tasks, notes and
// appointments attached to contacts.
//
// Every contact is kept as its compact JSON text (exactly the bytes it was
// loaded or last written with, so unknown members and Unicode survive) plus
// the few fields the API needs to index: id, location, dateAdded in ms, the
// lowercased email, the normalised phone and a lowercased name/company text
// for `query`. Contacts of a location are ordered by (dateAdded ms, id), the
// order `GET /contacts/` pages in.
//
// Related records (tasks, notes, appointments) are JSON texts with their id.
// A location may have a RelatedGenerator instead of loaded records: a
// contact's records are then produced on demand (a pure function of the
// contact) and stored only once something writes them, so a generated
// million-contact location costs no memory for them. Campaign and workflow
// memberships are id lists per contact. Every change to contacts bumps
// version(), which lets callers cache derived results.
//
// Thread-safety: thread-compatible, not thread-safe. Const methods may run
// concurrently with each other; anything else needs exclusive access. The
// owner (SandboxService) guards it with a reader/writer mutex. Pointers
// returned by Find*/List stay valid until the next non-const call.
#ifndef GHL_TOOLS_GHL_SANDBOX_CONTACT_STORE_H_
#define GHL_TOOLS_GHL_SANDBOX_CONTACT_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace ghl::sandbox {

/// One custom field definition of a location (location.json `customFields`).
struct CustomFieldDefinition {
  std::string id;
  std::string key;        ///< e.g. "contact.lead_score"
  std::string name;
  std::string data_type;  ///< e.g. "NUMERICAL", "MULTIPLE_OPTIONS"
  std::vector<std::string> options;
};

/// What the sandbox knows about a location besides its contacts.
struct LocationInfo {
  std::string id;
  std::vector<CustomFieldDefinition> custom_fields;
  std::vector<std::string> users;
  std::vector<std::string> businesses;

  /// Finds a definition by id, by exact key, or by key without/with the
  /// "contact." prefix. @return nullptr when unknown.
  const CustomFieldDefinition* FindCustomField(absl::string_view id_or_key) const;
};

/// A stored contact: its JSON text and the fields derived from it.
struct ContactRecord {
  std::string id;
  std::string location_id;
  int64_t date_added_ms = 0;
  std::string json;         ///< one compact JSON object
  std::string email_lower;  ///< "" when the contact has no email
  std::string phone;        ///< normalised; "" when none
  std::string search_text;  ///< lowercased name and companyName, '\n'-joined
  std::string display_name; ///< name, or first + last, for duplicate errors
  std::string business_id;  ///< "" when the contact has no businessId

  /// Derives a record from a parsed contact object whose text is `json`.
  /// @return INVALID_ARGUMENT when `id` or `locationId` is missing, or
  ///         `dateAdded` is present but malformed.
  static absl::StatusOr<ContactRecord> FromValue(const rapidjson::Value& contact, std::string json);
  /// Parses `json` and derives a record from it.
  static absl::StatusOr<ContactRecord> FromJson(std::string json);
};

/// Which per-contact collection of related records.
enum class RelatedKind { kTask = 0, kNote = 1, kAppointment = 2 };

/// One task, note or appointment: its id and its compact JSON text.
struct RelatedRecord {
  std::string id;
  std::string json;
};

/// Produces the related records of a contact of a generated location.
/// Must be a pure function of its arguments.
using RelatedGenerator =
    std::function<std::vector<RelatedRecord>(RelatedKind kind, const ContactRecord& contact)>;

/// Which per-contact membership list.
enum class MembershipKind { kCampaign = 0, kWorkflow = 1 };

/// The paging position of `GET /contacts/`: strictly after this key.
struct ListCursor {
  int64_t date_added_ms = 0;
  /// When absent, every contact with this dateAdded is skipped too.
  std::optional<std::string> id;
};

/// One `GET /contacts/` page request.
struct ListQuery {
  std::string location_id;
  size_t limit = 20;
  std::optional<ListCursor> after;
  /// Lowercased substring matched against name, company, email and phone;
  /// empty matches everything.
  std::string query_lower;
};

/// One page of contacts and where it sits in the whole result.
struct ListResult {
  std::vector<const ContactRecord*> page;
  size_t total = 0;   ///< contacts matching the query in the location
  size_t before = 0;  ///< matching contacts at or before the cursor
  bool has_more = false;
};

namespace internal {
/// Contacts sharing one indexed value (an email or a phone).
using ContactBucket = absl::InlinedVector<ContactRecord*, 1>;
/// Keys view a string inside one of the bucket's records.
using FieldIndex = absl::flat_hash_map<absl::string_view, ContactBucket>;
}  // namespace internal

/// The in-memory contacts database. See the file comment for threading.
class ContactStore {
 public:
  ContactStore();
  ~ContactStore();
  ContactStore(const ContactStore&) = delete;
  ContactStore& operator=(const ContactStore&) = delete;

  /// Adds or replaces a location's definitions (its contacts are kept).
  void PutLocation(LocationInfo info);
  /// @return nullptr when the location has no definitions.
  const LocationInfo* FindLocation(absl::string_view location_id) const;

  /// Adds many contacts at once, sorting each location once at the end.
  /// @return ALREADY_EXISTS (naming the id) on a duplicate id; records
  ///         before the duplicate are kept.
  absl::Status AddContacts(std::vector<ContactRecord> records);
  /// Adds one contact. @return ALREADY_EXISTS on a duplicate id.
  absl::Status AddContact(ContactRecord record);
  /// Replaces the contact with the same id (its location must not change).
  /// @return NOT_FOUND when there is no such contact.
  absl::Status ReplaceContact(ContactRecord record);
  /// Removes a contact and its related records. @return false if unknown.
  bool EraseContact(absl::string_view id);

  /// @return nullptr when unknown.
  const ContactRecord* Find(absl::string_view id) const;
  /// A contact of the location with this lowercased email other than
  /// `exclude_id`, or nullptr.
  const ContactRecord* FindByEmail(absl::string_view location_id, absl::string_view email_lower,
                                   absl::string_view exclude_id) const;
  /// A contact of the location with this normalised phone other than
  /// `exclude_id`, or nullptr.
  const ContactRecord* FindByPhone(absl::string_view location_id, absl::string_view phone,
                                   absl::string_view exclude_id) const;

  /// One page of a location's contacts in (dateAdded, id) order.
  ListResult List(const ListQuery& query) const;

  /// Number of contacts in all locations.
  size_t size() const { return by_id_.size(); }
  /// Number of contacts in one location.
  size_t CountInLocation(absl::string_view location_id) const;

  /// Attaches a related record (its JSON text; the id is read from its
  /// `id` member) to a contact id.
  void AddRelated(RelatedKind kind, std::string contact_id, std::string json);
  /// Attaches a related record whose id is known.
  void AddRelated(RelatedKind kind, absl::string_view contact_id, RelatedRecord record);
  /// The related records of a contact, in load order (JSON texts).
  std::vector<std::string> Related(RelatedKind kind, absl::string_view contact_id) const;
  /// The related records of a contact with their ids, in order (stored, or
  /// generated when the contact's location has a generator and nothing was
  /// written yet).
  std::vector<RelatedRecord> RelatedRecords(RelatedKind kind, absl::string_view contact_id) const;
  /// One related record of a contact. @return nullopt when unknown.
  std::optional<RelatedRecord> FindRelated(RelatedKind kind, absl::string_view contact_id,
                                           absl::string_view id) const;
  /// Replaces the contact's record with the same id, or appends it.
  void PutRelated(RelatedKind kind, absl::string_view contact_id, RelatedRecord record);
  /// Removes one related record. @return false when unknown.
  bool EraseRelated(RelatedKind kind, absl::string_view contact_id, absl::string_view id);
  /// Gives a contact empty related-record lists, overriding any generator
  /// (for contacts created through the API).
  void StartEmptyRelated(absl::string_view contact_id);
  /// Number of stored related records of a kind over all contacts
  /// (generated ones count once written).
  size_t RelatedCount(RelatedKind kind) const;
  /// Makes `generator` produce the related records of the location's
  /// contacts (see the file comment).
  void SetRelatedGenerator(absl::string_view location_id, RelatedGenerator generator);

  /// The campaign or workflow ids a contact is in, in the order added.
  std::vector<std::string> Memberships(MembershipKind kind, absl::string_view contact_id) const;
  /// Adds a membership. @return false when the contact already had it.
  bool AddMembership(MembershipKind kind, absl::string_view contact_id, absl::string_view id);
  /// Removes a membership. @return false when the contact did not have it.
  bool RemoveMembership(MembershipKind kind, absl::string_view contact_id, absl::string_view id);
  /// Removes every membership of a kind. @return how many were removed.
  size_t ClearMemberships(MembershipKind kind, absl::string_view contact_id);

  /// Changes whenever a contact is added, replaced or erased.
  uint64_t version() const { return version_; }
  /// A location's contacts in (dateAdded, id) order (empty when unknown).
  const std::vector<ContactRecord*>& Ordered(absl::string_view location_id) const;

 private:
  struct LocationState;

  LocationState& StateFor(absl::string_view location_id);
  const LocationState* FindState(absl::string_view location_id) const;
  void IndexFields(LocationState& state, ContactRecord* record);
  void UnindexFields(LocationState& state, ContactRecord* record);
  void InsertOrdered(LocationState& state, ContactRecord* record);
  void RemoveOrdered(LocationState& state, const ContactRecord* record);
  std::vector<RelatedRecord>* MaterializeRelated(RelatedKind kind, absl::string_view contact_id);

  absl::flat_hash_map<std::string, std::unique_ptr<LocationState>> locations_;
  absl::flat_hash_map<absl::string_view, std::unique_ptr<ContactRecord>> by_id_;
  absl::flat_hash_map<std::string, std::vector<RelatedRecord>> related_[3];
  size_t related_counts_[3] = {0, 0, 0};
  absl::flat_hash_map<std::string, std::vector<std::string>> memberships_[2];
  uint64_t version_ = 0;
};

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_CONTACT_STORE_H_
