// The one HTTP -> absl::Status table of the gateway.
//
// GHL answers errors with {statusCode, message, error?, traceId?}; 422's
// message is a list of strings. HttpStatusToStatus keeps every message item,
// the HTTP code and the trace id (body `traceId` or an `x-request-id` /
// `traceparent`-like header) in the status message and as payloads, so the
// gRPC layer can show them to callers without parsing text.
//
// Thread-safety: pure functions.
#ifndef GHL_ADAPTERS_GHL_CORE_STATUS_H_
#define GHL_ADAPTERS_GHL_CORE_STATUS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ghl {

/// Payload keys attached to upstream errors.
inline constexpr char kHttpCodePayload[] = "ghl.http_code";
inline constexpr char kTraceIdPayload[] = "ghl.trace_id";

/// The status code for an HTTP status: 401 UNAUTHENTICATED, 403
/// PERMISSION_DENIED, 404 NOT_FOUND, 409 ABORTED, 400/422 INVALID_ARGUMENT,
/// 408/429/5xx UNAVAILABLE, other 4xx INVALID_ARGUMENT... see status.cc for the
/// full table. 2xx gives kOk.
absl::StatusCode HttpCodeToStatusCode(int http_code);

/// Builds the Status for an upstream HTTP error.
/// @param http_code the HTTP status (>= 300).
/// @param body the response body (any bytes; malformed JSON is fine).
/// @param trace_id_header a trace id from the response headers, or empty.
/// @return a non-OK status whose message reads
///         `GHL HTTP 422: email must be an email; phone is invalid (traceId: abc)`.
absl::Status HttpStatusToStatus(int http_code, absl::string_view body,
                                absl::string_view trace_id_header = {});

/// Replaces every occurrence of `secret` (e.g. the bearer token just sent)
/// in the message and payloads of `status` with "[REDACTED]": an upstream may
/// echo the Authorization header in its error text.
absl::Status RedactSecret(const absl::Status& status, absl::string_view secret);

/// Adds an upstream trace id to an error about a 2xx answer that could not
/// be used (malformed, truncated, wrong shape): " (traceId: X)" in the
/// message and the kTraceIdPayload, so the failure can be found in GHL's
/// logs. OK statuses, an empty id, or a status that already has one are
/// returned unchanged.
absl::Status WithUpstreamTrace(absl::Status status, absl::string_view trace_id);

/// The HTTP code an upstream error carried, if any.
std::optional<int> UpstreamHttpCode(const absl::Status& status);

/// The upstream trace id an error carried, if any.
std::optional<std::string> UpstreamTraceId(const absl::Status& status);

}  // namespace ghl

#endif  // GHL_ADAPTERS_GHL_CORE_STATUS_H_
