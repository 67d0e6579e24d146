// GHL JSON <-> proto for a contact's tasks, notes, appointments and tags.
//
// Reading and the read shape are the generic mapper of json_mapping.h (one
// DefaultMapper per model: camelCase names, Timestamps for RFC 3339 dates,
// unknown or mistyped members kept in `extra`, lossless round trips). This
// file adds what the generic rules cannot know: the request bodies of
// CreateTaskParams, UpdateTaskBody, UpdateTaskStatusParams, NotesDTO,
// UpdateNoteDTO, TagsDTO and UpdateTagsDTO (which fields each writes, which
// are required).
//
// Thread-safety: free functions, no shared state (mappers are immutable).
#ifndef GHL_ADAPTERS_GHL_CONTACTS_RESOURCE_MAPPING_H_
#define GHL_ADAPTERS_GHL_CONTACTS_RESOURCE_MAPPING_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/repeated_field.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/ghl/contacts/json_mapping.h"
#include "ghl/contacts/v1/appointment.pb.h"
#include "ghl/contacts/v1/note.pb.h"
#include "ghl/contacts/v1/tags_service.pb.h"
#include "ghl/contacts/v1/task.pb.h"

namespace ghl::contacts {

/// The mappers of the models (TaskSchema, GetNoteSchema, GetEventSchema,
/// the tags answers).
const json::JsonMapper& TaskJson();
const json::JsonMapper& NoteJson();
const json::JsonMapper& AppointmentJson();
const json::JsonMapper& AddTagsResponseJson();
const json::JsonMapper& RemoveTagsResponseJson();
const json::JsonMapper& BulkUpdateTagsResponseJson();

/// Body of POST /contacts/{contactId}/tasks (CreateTaskParams): title, body,
/// dueDate, completed (false when unset), assignedTo.
/// @return INVALID_ARGUMENT "task.title: ..." / "task.due_date: ..." when a
///         field the DTO requires is missing.
absl::StatusOr<std::string> CreateTaskBody(const ghl::contacts::v1::Task& task);

/// Body of PUT /contacts/{contactId}/tasks/{taskId} (UpdateTaskBody) holding
/// exactly the fields of `update_mask` (proto names of Task).
/// @return INVALID_ARGUMENT naming the path for an empty mask, an unknown or
///         read-only path, or a masked field that is unset (none is
///         nullable).
absl::StatusOr<std::string> UpdateTaskBody(const ghl::contacts::v1::Task& task,
                                           const google::protobuf::FieldMask& update_mask);

/// Body of PUT .../tasks/{taskId}/completed (UpdateTaskStatusParams).
std::string TaskCompletedBody(bool completed);

/// Body of POST /contacts/{contactId}/notes (NotesDTO): userId, body, title,
/// color, pinned.
/// @return INVALID_ARGUMENT "note.body: ..." when the body is missing.
absl::StatusOr<std::string> CreateNoteBody(const ghl::contacts::v1::Note& note);

/// Body of PUT /contacts/{contactId}/notes/{id} (UpdateNoteDTO), as
/// UpdateTaskBody.
absl::StatusOr<std::string> UpdateNoteBody(const ghl::contacts::v1::Note& note,
                                           const google::protobuf::FieldMask& update_mask);

/// Body of POST/DELETE /contacts/{contactId}/tags (TagsDTO): the tags as a
/// JSON array, each tag verbatim (commas included).
std::string TagsBody(const google::protobuf::RepeatedPtrField<std::string>& tags);

/// The {type} path segment of a bulk tag update ("add", "remove"), or empty
/// for UNSPECIFIED and unknown values.
std::string BulkTagsUpdateTypeName(ghl::contacts::v1::BulkTagsUpdateType type);

/// Body of POST /contacts/bulk/tags/update/{type} (UpdateTagsDTO):
/// contacts, tags, locationId, and removeAllTags when set.
std::string BulkUpdateTagsBody(const ghl::contacts::v1::BulkUpdateTagsRequest& request);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_RESOURCE_MAPPING_H_
