// Request bodies of the task, note and tag operations (see
// resource_mapping.h). The DTO tables list the spec's properties in its
// order; resource_mapping_test.cc checks them against the spec.
#include "adapters/ghl/contacts/resource_mapping.h"

#include <rapidjson/document.h>

namespace ghl::contacts {
namespace {

using ::ghl::contacts::v1::AddTagsResponse;
using ::ghl::contacts::v1::Appointment;
using ::ghl::contacts::v1::BulkUpdateTagsResponse;
using ::ghl::contacts::v1::Note;
using ::ghl::contacts::v1::RemoveTagsResponse;
using ::ghl::contacts::v1::Task;
using json::DtoField;

constexpr unsigned kCreateAndUpdate = json::kInCreate | json::kInUpdate;

// CreateTaskParams and UpdateTaskBody have the same properties.
constexpr DtoField kTaskDtoFields[] = {
    {"title", kCreateAndUpdate},       {"body", kCreateAndUpdate},
    {"due_date", kCreateAndUpdate},    {"completed", kCreateAndUpdate},
    {"assigned_to", kCreateAndUpdate},
};

// NotesDTO and UpdateNoteDTO have the same properties.
constexpr DtoField kNoteDtoFields[] = {
    {"user_id", kCreateAndUpdate}, {"body", kCreateAndUpdate},   {"title", kCreateAndUpdate},
    {"color", kCreateAndUpdate},   {"pinned", kCreateAndUpdate},
};

void AddStrings(const google::protobuf::RepeatedPtrField<std::string>& items, const char* name,
                rapidjson::Document* body) {
  auto& alloc = body->GetAllocator();
  json::Json list(rapidjson::kArrayType);
  for (const std::string& item : items) list.PushBack(json::JsonString(item, alloc), alloc);
  body->AddMember(rapidjson::StringRef(name), list, alloc);
}

}  // namespace

const json::JsonMapper& TaskJson() { return json::DefaultMapper<Task>("task"); }
const json::JsonMapper& NoteJson() { return json::DefaultMapper<Note>("note"); }
const json::JsonMapper& AppointmentJson() {
  return json::DefaultMapper<Appointment>("appointment");
}
const json::JsonMapper& AddTagsResponseJson() {
  return json::DefaultMapper<AddTagsResponse>("add-tags answer");
}
const json::JsonMapper& RemoveTagsResponseJson() {
  return json::DefaultMapper<RemoveTagsResponse>("remove-tags answer");
}
const json::JsonMapper& BulkUpdateTagsResponseJson() {
  return json::DefaultMapper<BulkUpdateTagsResponse>("bulk tags answer");
}

absl::StatusOr<std::string> CreateTaskBody(const Task& task) {
  if (!task.has_title() || task.title().empty()) {
    return absl::InvalidArgumentError("task.title: required by CreateTaskParams");
  }
  if (!task.has_due_date()) {
    return absl::InvalidArgumentError("task.due_date: required by CreateTaskParams");
  }
  Task writable = task;
  // CreateTaskParams requires `completed`; a new task is open unless said.
  if (!writable.has_completed()) writable.set_completed(false);
  rapidjson::Document body(rapidjson::kObjectType);
  auto status = json::AddDtoFields(TaskJson(), writable, kTaskDtoFields, json::kInCreate, &body,
                                   body.GetAllocator());
  if (!status.ok()) return status;
  return json::Serialize(body);
}

absl::StatusOr<std::string> UpdateTaskBody(const Task& task,
                                           const google::protobuf::FieldMask& update_mask) {
  return json::UpdateBodyFromMask(TaskJson(), task, update_mask, kTaskDtoFields, "UpdateTaskBody");
}

std::string TaskCompletedBody(bool completed) {
  return completed ? R"({"completed":true})" : R"({"completed":false})";
}

absl::StatusOr<std::string> CreateNoteBody(const Note& note) {
  if (!note.has_body() || note.body().empty()) {
    return absl::InvalidArgumentError("note.body: required by NotesDTO");
  }
  rapidjson::Document body(rapidjson::kObjectType);
  auto status = json::AddDtoFields(NoteJson(), note, kNoteDtoFields, json::kInCreate, &body,
                                   body.GetAllocator());
  if (!status.ok()) return status;
  return json::Serialize(body);
}

absl::StatusOr<std::string> UpdateNoteBody(const Note& note,
                                           const google::protobuf::FieldMask& update_mask) {
  return json::UpdateBodyFromMask(NoteJson(), note, update_mask, kNoteDtoFields, "UpdateNoteDTO");
}

std::string TagsBody(const google::protobuf::RepeatedPtrField<std::string>& tags) {
  rapidjson::Document body(rapidjson::kObjectType);
  AddStrings(tags, "tags", &body);
  return json::Serialize(body);
}

std::string BulkTagsUpdateTypeName(ghl::contacts::v1::BulkTagsUpdateType type) {
  switch (type) {
    case ghl::contacts::v1::BULK_TAGS_UPDATE_TYPE_ADD:
      return "add";
    case ghl::contacts::v1::BULK_TAGS_UPDATE_TYPE_REMOVE:
      return "remove";
    default:
      return {};
  }
}

std::string BulkUpdateTagsBody(const ghl::contacts::v1::BulkUpdateTagsRequest& request) {
  rapidjson::Document body(rapidjson::kObjectType);
  auto& alloc = body.GetAllocator();
  AddStrings(request.contact_ids(), "contacts", &body);
  AddStrings(request.tags(), "tags", &body);
  body.AddMember("locationId", json::JsonString(request.location_id(), alloc), alloc);
  if (request.remove_all_tags()) body.AddMember("removeAllTags", true, alloc);
  return json::Serialize(body);
}

}  // namespace ghl::contacts
