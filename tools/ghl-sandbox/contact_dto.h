// The CreateContactDto and UpdateContactDto rules of apps/contacts.json as
// pure functions: validation with NestJS/class-validator style 422 messages,
// building a new stored contact, and applying an update to a stored one.
//
// Policy (faithful to GHL where the spec is silent):
// - Properties outside the DTO are rejected ("property X should not exist"),
//   as GHL's whitelisting validation does (e.g. `locationId` on update).
//   `companyName` is accepted on update although the spec's UpdateContactDto
//   omits it (GHL accepts it; the spec has a gap).
// - A JSON null is accepted only for members the spec marks nullable; on
//   create it means "absent", on update it clears (removes) the member.
// - Custom field items are `{id | key, field_value}`; they are stored as
//   `{id, value}`. An item whose field_value is null or missing is skipped on
//   create and removes the field on update.
// - Tags keep their exact text (commas and spaces included); exact
//   duplicates are dropped. On update `tags` replaces the list and
//   `dndSettings` replaces only the channels it names.
//
// Thread-safety: pure functions; callers synchronise access to the values.
#ifndef GHL_TOOLS_GHL_SANDBOX_CONTACT_DTO_H_
#define GHL_TOOLS_GHL_SANDBOX_CONTACT_DTO_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/contact_store.h"

namespace ghl::sandbox {

/// Which DTO a request body is checked against. UpsertContactDto is
/// CreateContactDto plus `createNewIfDuplicateAllowed` (a boolean).
enum class DtoKind { kCreate, kUpdate, kUpsert };

/// Checks a request body (a JSON object) against the DTO, resolving custom
/// field references against `location` (may be null: then every custom
/// field reference is unknown).
/// @return the 422 messages, in member order; empty when the body is valid.
std::vector<std::string> ValidateContactDto(const rapidjson::Value& body, DtoKind kind,
                                            const LocationInfo* location);

/// Builds the stored contact for a validated CreateContactDto body.
/// @param id the new contact's id.
/// @param now_iso the creation time, e.g. "2021-07-02T05:18:26.704Z".
/// @param out receives the contact object (replaced).
void BuildNewContact(const rapidjson::Value& body, const LocationInfo* location,
                     absl::string_view id, absl::string_view now_iso, rapidjson::Document* out);

/// Applies a validated UpdateContactDto body (or, with kind kUpsert, an
/// UpsertContactDto body matched to an existing contact; `locationId` and
/// `createNewIfDuplicateAllowed` are not stored) to a stored contact in
/// place: members keep their order, new members are appended, derived
/// members (`name`, `*LowerCase`) follow the fields they derive from, and
/// `dateUpdated` becomes `now_iso`.
void ApplyContactUpdate(const rapidjson::Value& body, const LocationInfo* location,
                        absl::string_view now_iso, rapidjson::Document* contact,
                        DtoKind kind = DtoKind::kUpdate);

/// Serialises compactly; non-ASCII characters are written as UTF-8, not
/// escaped.
std::string ToJson(const rapidjson::Value& value);

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_CONTACT_DTO_H_
