// SandboxService handlers of a contact's tasks, notes and appointments
// (get-all-tasks ... delete-task, get-all-notes ... delete-note,
// get-appointments-for-contact).
//
// Records keep the dataset's member order and bytes until written: a list
// or get returns the loaded (or generated) JSON text unchanged. Writes
// normalise `dueDate` to GHL's `2021-07-08T02:30:00.000Z` form, stamp a new
// note's `dateAdded`, and keep members the body does not name. Writes send
// webhooks: TaskCreate, TaskComplete (a write that completes a task),
// TaskDelete, NoteCreate, NoteUpdate, NoteDelete; appointments are
// read-only here, so no Appointment* events.
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/api_util.h"
#include "tools/ghl-sandbox/contact_dto.h"
#include "tools/ghl-sandbox/sandbox_service.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

using internal::Error;
using internal::Json;
using internal::ParseObjectBody;
using internal::PropRule;
using internal::PropType;
using internal::Unprocessable;
using internal::ValidateProps;
using internal::View;

using Allocator = rapidjson::Document::AllocatorType;

// CreateTaskParams, UpdateTaskBody, UpdateTaskStatusParams.
constexpr PropRule kCreateTask[] = {
    {"title", PropType::kString, true},    {"body", PropType::kString},
    {"dueDate", PropType::kIsoDate, true}, {"completed", PropType::kBool, true},
    {"assignedTo", PropType::kString},
};
constexpr PropRule kUpdateTask[] = {
    {"title", PropType::kString},      {"body", PropType::kString},
    {"dueDate", PropType::kIsoDate},   {"completed", PropType::kBool},
    {"assignedTo", PropType::kString},
};
constexpr PropRule kCompleteTask[] = {{"completed", PropType::kBool, true}};
// NotesDTO, UpdateNoteDTO.
constexpr PropRule kCreateNote[] = {
    {"userId", PropType::kString}, {"body", PropType::kString, true}, {"title", PropType::kString},
    {"color", PropType::kString},  {"pinned", PropType::kBool},
};
constexpr PropRule kUpdateNote[] = {
    {"userId", PropType::kString}, {"body", PropType::kString}, {"title", PropType::kString},
    {"color", PropType::kString},  {"pinned", PropType::kBool},
};

rapidjson::Value Str(absl::string_view s, Allocator& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

void Set(rapidjson::Value& obj, absl::string_view name, rapidjson::Value value, Allocator& a) {
  const auto it = obj.FindMember(Str(name, a));
  if (it != obj.MemberEnd()) {
    it->value = std::move(value);
  } else {
    obj.AddMember(Str(name, a), std::move(value), a);
  }
}

// Copies the body's members named by `rules` into `record` (dates
// normalised), keeping the record's member order.
void ApplyProps(const rapidjson::Value& body, absl::Span<const PropRule> rules,
                rapidjson::Document* record) {
  Allocator& a = record->GetAllocator();
  for (const auto& rule : rules) {
    const auto it = body.FindMember(rule.name);
    if (it == body.MemberEnd() || it->value.IsNull()) continue;
    if (rule.type == PropType::kIsoDate) {
      Set(*record, rule.name, Str(FormatIsoMillis(*ParseIso8601(View(it->value))), a), a);
    } else {
      Set(*record, rule.name, rapidjson::Value(it->value, a), a);
    }
  }
}

std::string Wrap(absl::string_view key, absl::string_view json) {
  return absl::StrCat("{\"", key, "\":", json, "}");
}

std::string WrapList(absl::string_view key, const std::vector<RelatedRecord>& records) {
  size_t size = key.size() + 8;
  for (const auto& r : records) size += r.json.size() + 1;
  std::string out;
  out.reserve(size);
  absl::StrAppend(&out, "{\"", key, "\":[");
  for (size_t i = 0; i < records.size(); ++i) absl::StrAppend(&out, i ? "," : "", records[i].json);
  out += "]}";
  return out;
}

constexpr SandboxService::RelatedResource kTaskResource{RelatedKind::kTask, "taskId",
                                                       "Task not found", "task", kTaskDelete};
constexpr SandboxService::RelatedResource kNoteResource{RelatedKind::kNote, "id",
                                                       "Note not found", "note", kNoteDelete};

bool IsCompleted(const rapidjson::Value& task) {
  const auto it = task.FindMember("completed");
  return it != task.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

// Parses a stored record into `doc` (an object).
bool ParseRecord(const std::string& json, rapidjson::Document* doc) {
  doc->Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  return !doc->HasParseError() && doc->IsObject();
}

}  // namespace

// ------------------------------------------ a contact's tasks and notes, by id

HttpResponse SandboxService::GetRelated(Context& ctx, const RelatedResource& r) {
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const auto found = store_.FindRelated(r.kind, contact->id, ctx.params.Get(r.id_param));
  if (!found) return Error(404, r.not_found, "", ctx.trace_id);
  return Json(200, Wrap(r.member, found->json));
}

HttpResponse SandboxService::PatchRelated(const HttpRequest& request, Context& ctx,
                                          const RelatedResource& r,
                                          absl::Span<const internal::PropRule> rules) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const auto found = store_.FindRelated(r.kind, contact->id, ctx.params.Get(r.id_param));
  if (!found) return Error(404, r.not_found, "", ctx.trace_id);
  const std::vector<std::string> messages = ValidateProps(body, rules);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);
  rapidjson::Document record;
  if (!ParseRecord(found->json, &record)) return internal::InternalError(ctx.trace_id);
  const bool was_completed = IsCompleted(record);
  ApplyProps(body, rules, &record);
  std::string json = ToJson(record);
  store_.PutRelated(r.kind, contact->id, RelatedRecord{found->id, json});
  // GHL has no TaskUpdate event: a task write sends TaskComplete when it
  // completes the task, and nothing otherwise.
  if (r.kind == RelatedKind::kNote) {
    EmitEvent(kNoteUpdate, contact->location_id, json);
  } else if (r.kind == RelatedKind::kTask && !was_completed && IsCompleted(record)) {
    EmitEvent(kTaskComplete, contact->location_id, json);
  }
  return Json(200, Wrap(r.member, json));
}

HttpResponse SandboxService::DeleteRelated(Context& ctx, const RelatedResource& r) {
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const auto found = store_.FindRelated(r.kind, contact->id, ctx.params.Get(r.id_param));
  if (!found || !store_.EraseRelated(r.kind, contact->id, found->id)) {
    return Error(404, r.not_found, "", ctx.trace_id);
  }
  if (r.delete_event != nullptr) EmitEvent(r.delete_event, contact->location_id, found->json);
  return Json(200, "{\"succeded\":true}");
}

// --------------------------------------------------------------------- tasks

HttpResponse SandboxService::ListTasks(const HttpRequest&, Context& ctx) {
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  return Json(200, WrapList("tasks", store_.RelatedRecords(RelatedKind::kTask, contact->id)));
}

HttpResponse SandboxService::CreateTask(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const std::vector<std::string> messages = ValidateProps(body, kCreateTask);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  rapidjson::Document task;
  task.SetObject();
  Allocator& a = task.GetAllocator();
  const std::string id = NewId();
  task.AddMember("id", Str(id, a), a);
  task.AddMember("contactId", Str(contact->id, a), a);
  for (const char* name : {"title", "body", "assignedTo", "dueDate", "completed"}) {
    if (body.HasMember(name) && !body[name].IsNull())
      task.AddMember(rapidjson::StringRef(name), 0, a);
  }
  ApplyProps(body, kCreateTask, &task);
  std::string json = ToJson(task);
  store_.PutRelated(RelatedKind::kTask, contact->id, RelatedRecord{id, json});
  EmitEvent(kTaskCreate, contact->location_id, json);
  return Json(201, Wrap("task", json));
}

HttpResponse SandboxService::GetTask(const HttpRequest&, Context& ctx) {
  return GetRelated(ctx, kTaskResource);
}

HttpResponse SandboxService::UpdateTask(const HttpRequest& request, Context& ctx) {
  return PatchRelated(request, ctx, kTaskResource, kUpdateTask);
}

HttpResponse SandboxService::CompleteTask(const HttpRequest& request, Context& ctx) {
  return PatchRelated(request, ctx, kTaskResource, kCompleteTask);
}

HttpResponse SandboxService::DeleteTask(const HttpRequest&, Context& ctx) {
  return DeleteRelated(ctx, kTaskResource);
}

// --------------------------------------------------------------------- notes

HttpResponse SandboxService::ListNotes(const HttpRequest&, Context& ctx) {
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  return Json(200, WrapList("notes", store_.RelatedRecords(RelatedKind::kNote, contact->id)));
}

HttpResponse SandboxService::CreateNote(const HttpRequest& request, Context& ctx) {
  rapidjson::Document body;
  if (auto error = ParseObjectBody(request.body, &body, ctx.trace_id)) return *error;
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  const std::vector<std::string> messages = ValidateProps(body, kCreateNote);
  if (!messages.empty()) return Unprocessable(messages, ctx.trace_id);

  rapidjson::Document note;
  note.SetObject();
  Allocator& a = note.GetAllocator();
  const std::string id = NewId();
  note.AddMember("id", Str(id, a), a);
  note.AddMember("contactId", Str(contact->id, a), a);
  note.AddMember("body", 0, a);
  if (body.HasMember("userId") && !body["userId"].IsNull()) note.AddMember("userId", 0, a);
  note.AddMember("dateAdded", Str(NowIso(), a), a);
  ApplyProps(body, kCreateNote, &note);
  std::string json = ToJson(note);
  store_.PutRelated(RelatedKind::kNote, contact->id, RelatedRecord{id, json});
  EmitEvent(kNoteCreate, contact->location_id, json);
  return Json(201, Wrap("note", json));
}

HttpResponse SandboxService::GetNote(const HttpRequest&, Context& ctx) {
  return GetRelated(ctx, kNoteResource);
}

HttpResponse SandboxService::UpdateNote(const HttpRequest& request, Context& ctx) {
  return PatchRelated(request, ctx, kNoteResource, kUpdateNote);
}

HttpResponse SandboxService::DeleteNote(const HttpRequest&, Context& ctx) {
  return DeleteRelated(ctx, kNoteResource);
}

// -------------------------------------------------------------- appointments

HttpResponse SandboxService::ListAppointments(const HttpRequest&, Context& ctx) {
  std::shared_lock<std::shared_mutex> lock(store_mu_);
  HttpResponse error;
  const ContactRecord* contact = ContactFor(ctx, &error);
  if (contact == nullptr) return error;
  return Json(200,
              WrapList("events", store_.RelatedRecords(RelatedKind::kAppointment, contact->id)));
}

}  // namespace ghl::sandbox
