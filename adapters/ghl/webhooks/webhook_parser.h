// ParseWebhookEvent: a verified webhook body (GHL's JSON) to a typed
// ghl.contacts.v1.Event, for the 16 event types of
// ../shared/ghl-api/docs/webhook-events/ (contact, task, note, appointment
// and app events), using the same JSON -> proto rules as the REST mapping
// (adapters/ghl/contacts/json_mapping.h): camelCase names, RFC 3339 dates as
// Timestamps, unknown or mistyped members kept verbatim in `extra`.
//
// Nothing GHL sends is dropped here:
//   - a documented member that is absent or has the wrong JSON type is named
//     in Event.missing_fields (GHL has sent TaskCreate without contactId) and
//     the event keeps what it has;
//   - a `type` outside the 16 is kept as EVENT_TYPE_UNSPECIFIED with its
//     payload_type and every member in `extra`, so a subscription the gateway
//     does not model yet loses nothing.
// Where members go: the typed payload takes what its model types (for
// contact, task, note and app events the top-level members; for appointment
// events the `appointment` object); every other top-level member, and what
// the typed payload's mapper could not type at the top level, is kept
// verbatim in Event.extra (nested objects keep their own `extra`). An app
// event's `trial` or `whitelabelDetails` that AppTrial / WhitelabelDetails
// cannot hold exactly (an unknown or mistyped member) is kept whole in
// Event.extra and named in missing_fields.
//
// Only a body that is not a JSON object, has no string `type`, or that
// protobuf could not carry (nesting deeper than json::kMaxJsonDepth, or a
// string escape that is not valid Unicode, e.g. a lone "\udddd") is
// rejected (the listener answers 400).
//
// `timestamp` and `webhookId` (GHL's replay protection) go to event_time and
// webhook_id; when absent they are named in missing_fields.
//
// Thread-safety: a pure function.
#ifndef GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_PARSER_H_
#define GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ghl/contacts/v1/events_service.pb.h"

namespace ghl::webhooks {

/// Parses `raw_body`. offset, receive_time and signature_scheme are left
/// unset (the receiver and the log fill them in).
/// @return INVALID_ARGUMENT ("body is not a JSON object", "body has no
///         string `type`"), never echoing the body.
absl::StatusOr<ghl::contacts::v1::Event> ParseWebhookEvent(absl::string_view raw_body);

/// The event type of a payload `type` string (EVENT_TYPE_UNSPECIFIED if it
/// is not one of the 16), from the (event_description) options of
/// events.proto, not a second list.
ghl::contacts::v1::EventType EventTypeFromPayloadType(absl::string_view payload_type);

/// One member a type's documentation lists (its schema's top-level
/// `properties`), with the JSON type the docs give it ("string", "boolean",
/// "array", "object", "number").
struct DocumentedMember {
  const char* name;
  const char* json_type;
};

/// The documented members of `type` in the docs' order (empty for
/// EVENT_TYPE_UNSPECIFIED): the one table missing_fields is computed from.
absl::Span<const DocumentedMember> DocumentedMembers(ghl::contacts::v1::EventType type);

}  // namespace ghl::webhooks

#endif  // GHL_ADAPTERS_GHL_WEBHOOKS_WEBHOOK_PARSER_H_
