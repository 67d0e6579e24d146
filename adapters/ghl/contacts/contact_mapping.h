// GHL contact JSON <-> ghl.contacts.v1.Contact.
//
// The one place that knows GHL's JSON names for contact fields. Reading never
// loses data: a member this model does not type, or a typed member whose JSON
// type is unexpected (e.g. "dnd": "yes", an unparseable date), is kept verbatim
// in the `extra` Struct of the enclosing message under its JSON name, and
// ContactToJson writes it back. Malformed input never crashes: the functions
// return INVALID_ARGUMENT / INTERNAL instead. The generic reflection-driven
// reader/writer behind these functions is json_mapping.h.
//
// Thread-safety: free functions, no shared state.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_CONTACT_MAPPING_H_
#define GHL_ADAPTERS_GHL_CONTACTS_CONTACT_MAPPING_H_

#include <string>

#include <google/protobuf/field_mask.pb.h>
#include <rapidjson/document.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/ghl/contacts/json_mapping.h"
#include "ghl/contacts/v1/contact.pb.h"

namespace ghl::contacts {

/// Parses one GHL contact object (GetContectByIdSchema and friends).
/// @return INVALID_ARGUMENT if `json` is not an object, nests objects/arrays
///         more than 32 levels deep (protobuf could not parse the result), or
///         holds a string that is not valid UTF-8 (proto3 strings must be);
///         the message names the JSON path. Otherwise OK.
absl::Status ContactFromJson(const rapidjson::Value& json, ghl::contacts::v1::Contact* out);

/// Parses a JSON text holding one contact object (iteratively, so any depth
/// is safe; invalid UTF-8 and out-of-range numbers are INVALID_ARGUMENT).
absl::StatusOr<ghl::contacts::v1::Contact> ContactFromJsonString(absl::string_view json);

/// Writes the GHL JSON object of `contact` (camelCase names, extra merged
/// back, timestamps as 2021-07-02T05:18:26.704Z). `tags`, `customFields` and
/// `followers` are always written (GHL always sends them); other empty lists
/// are omitted.
void ContactToJson(const ghl::contacts::v1::Contact& contact, rapidjson::Value* out,
                   rapidjson::Document::AllocatorType& alloc);

/// ContactToJson as compact UTF-8 text (no escaping of non-ASCII).
std::string ContactToJsonString(const ghl::contacts::v1::Contact& contact);

/// Body of POST /contacts/ (CreateContactDto): the writable fields that are
/// set, plus `locationId`. Custom fields are written as {id|key, field_value}.
/// @return INVALID_ARGUMENT naming the field for a custom field with neither
///         id nor key, or with no value, or a DND setting without a status;
///         INVALID_ARGUMENT for an empty `location_id` (the DTO requires it).
absl::StatusOr<std::string> CreateContactBody(absl::string_view location_id,
                                              const ghl::contacts::v1::Contact& contact);

/// Body of PUT /contacts/{id} (UpdateContactDto) holding exactly the fields
/// of `update_mask` (proto field names of Contact, e.g. "first_name").
/// A masked field that is unset is sent as JSON null where the spec allows
/// null (clears it).
/// @return INVALID_ARGUMENT naming the path for an empty mask, an unknown
///         path, a path UpdateContactDto cannot write (e.g. "id",
///         "date_added", "company_name"), a clear of a non-nullable field,
///         or a custom field / DND setting CreateContactBody would refuse.
absl::StatusOr<std::string> UpdateContactBody(const ghl::contacts::v1::Contact& contact,
                                              const google::protobuf::FieldMask& update_mask);

/// Keeps only the fields named in `read_mask` (top-level proto field names of
/// Contact); `id` is always kept. An empty mask keeps everything.
/// @return INVALID_ARGUMENT naming the first unknown path.
absl::Status ApplyReadMask(const google::protobuf::FieldMask& read_mask,
                           ghl::contacts::v1::Contact* contact);

// FormatGhlTime and ParseGhlTime (GHL's date-times) are declared in
// json_mapping.h, included above.

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_CONTACT_MAPPING_H_
