// The bodies of the webhooks ghl-sandbox sends, in GHL's payload shapes
// (../shared/ghl-api/docs/webhook-events/): the event `type` and
// `locationId` first, then every member of the changed resource as the API
// returns it (GHL sends the whole contact, task or note, also for updates
// and deletes: a delete carries the last state), then `timestamp` and
// `webhookId`, GHL's replay protection.
//
// Which events a contact rewrite produces is decided here too
// (ContactChangeEvents), so every handler follows the same rule.
//
// Thread-safety: pure functions.
// Errors: WebhookBody fails (INTERNAL) only for a resource that is not a
// JSON object, which the sandbox never stores.
#ifndef GHL_TOOLS_GHL_SANDBOX_WEBHOOK_EVENTS_H_
#define GHL_TOOLS_GHL_SANDBOX_WEBHOOK_EVENTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ghl::sandbox {

/// The event types the sandbox emits (GHL's `type` values).
inline constexpr char kContactCreate[] = "ContactCreate";
inline constexpr char kContactUpdate[] = "ContactUpdate";
inline constexpr char kContactDelete[] = "ContactDelete";
inline constexpr char kContactDndUpdate[] = "ContactDndUpdate";
inline constexpr char kContactTagUpdate[] = "ContactTagUpdate";
inline constexpr char kTaskCreate[] = "TaskCreate";
inline constexpr char kTaskComplete[] = "TaskComplete";
inline constexpr char kTaskDelete[] = "TaskDelete";
inline constexpr char kNoteCreate[] = "NoteCreate";
inline constexpr char kNoteUpdate[] = "NoteUpdate";
inline constexpr char kNoteDelete[] = "NoteDelete";

/// `{"type":T,"locationId":L,<resource members>,"timestamp":TS,"webhookId":ID}`.
/// The resource's own `type` (a contact's "lead"/"customer") and
/// `locationId` are left out: the event's come first and JSON members must
/// be unique. Member values are copied unchanged (full number precision).
/// @param timestamp RFC 3339 UTC with milliseconds ("2026-01-02T03:04:05.678Z").
absl::StatusOr<std::string> WebhookBody(absl::string_view type, absl::string_view location_id,
                                        absl::string_view resource_json,
                                        absl::string_view timestamp, absl::string_view webhook_id);

/// How a contact was rewritten.
enum class ContactChange {
  kUpdate,  ///< update-contact, upsert onto an existing contact, followers, bulk business
  kTags,    ///< add-tags, remove-tags, bulk tag update: only the tags changed
};

/// The events of one rewrite of a contact from `before_json` to
/// `after_json`, in the order they are sent: kUpdate gives ContactUpdate,
/// then ContactDndUpdate when `dnd` or `dndSettings` differ, then
/// ContactTagUpdate when `tags` differ; kTags gives ContactTagUpdate when
/// `tags` differ. A text that does not parse compares as an empty contact.
std::vector<const char*> ContactChangeEvents(ContactChange change, absl::string_view before_json,
                                             absl::string_view after_json);

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_WEBHOOK_EVENTS_H_
