// One structured log line per gRPC call, and the call's request id.
//
// CallLogInterceptorFactory (register it first, before caller auth) gives
// every call a request id: the caller's `x-request-id` metadata when it is
// sane (1 to 128 of [A-Za-z0-9._:-]), else a generated one. The id is
// returned in the response's initial metadata `x-request-id`, and carried
// by the call's http::RequestContext: the handlers' entry points install it
// (CallScope) so every GHL request of the call is sent with
// `X-Request-Id: <id>` (http/request_context.h) and counted.
//
// When the call ends (its status is sent) the logger writes one line:
//   {"time":"2026-12-04T03:20:00.123Z","level":"info","request_id":"...",
//    "method":"/ghl.contacts.v1.ContactsService/GetContact",
//    "location_id":"...","code":"OK","duration_ms":12,"upstream_calls":1,
//    "peer":"ipv4:127.0.0.1:5555","key_id":"..."}
// plus, for errors, "message" (the status message, which never holds a
// token or key: see core/status.h RedactSecret and caller_auth.h) and
// "trace_id" (GHL's trace id of the newest failed upstream answer).
// location_id and key_id are left out when the call has none. Never logged:
// metadata values (authorization), request or response bodies.
// Format json (one object a line) or text (key=value); level: OK calls are
// info, caller errors warn, server/upstream errors (UNKNOWN, INTERNAL,
// UNAVAILABLE, DATA_LOSS, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED) error.
//
// Thread-safety: everything here is safe for concurrent use; CallLogger
// writes each line with one locked write.
#ifndef GHL_SERVER_CALL_LOG_H_
#define GHL_SERVER_CALL_LOG_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/ghl/http/request_context.h"

namespace ghl::server {

enum class LogFormat { kJson, kText };
enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

/// "json"/"text" and "debug"/"info"/"warn"/"error"/"off".
/// @return INVALID_ARGUMENT listing the accepted words.
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view s);
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view s);
absl::string_view LogFormatName(LogFormat f);
absl::string_view LogLevelName(LogLevel l);

/// The level of a call that ended with `code`.
LogLevel CallLevel(grpc::StatusCode code);

/// One call's line.
struct CallRecord {
  absl::Time time;  ///< when the call ended
  LogLevel level = LogLevel::kInfo;
  std::string request_id;
  std::string method;
  std::string location_id;  ///< empty: not logged
  std::string code;         ///< "OK", "NOT_FOUND", ...
  int64_t duration_ms = 0;
  int64_t upstream_calls = 0;
  std::string peer;
  std::string key_id;    ///< empty: not logged
  std::string message;   ///< errors only
  std::string trace_id;  ///< errors only; empty: not logged
};

/// The line for `record` (no trailing newline).
std::string FormatCallRecord(const CallRecord& record, LogFormat format);

/// Where lines go.
class CallLogger {
 public:
  /// @param path empty: stderr; else appended to (created 0600).
  /// @return INVALID_ARGUMENT "--log-file: cannot open PATH" when unusable.
  static absl::StatusOr<std::shared_ptr<CallLogger>> Open(LogFormat format, LogLevel level,
                                                          const std::string& path);
  ~CallLogger();
  CallLogger(const CallLogger&) = delete;
  CallLogger& operator=(const CallLogger&) = delete;

  /// Writes the record's line if its level is at or above the logger's.
  void Write(const CallRecord& record);

 private:
  CallLogger(LogFormat format, LogLevel level, std::FILE* out, bool owned)
      : format_(format), level_(level), out_(out), owned_(owned) {}
  const LogFormat format_;
  const LogLevel level_;
  std::mutex mu_;
  std::FILE* out_;
  const bool owned_;
};

/// `from_metadata` when it is a sane request id, else a new random one.
std::string AcceptOrMakeRequestId(absl::string_view from_metadata);

class CallLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  /// `logger` null: ids and propagation only, no lines.
  explicit CallLogInterceptorFactory(std::shared_ptr<CallLogger> logger) : logger_(std::move(logger)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::shared_ptr<CallLogger> logger_;
};

/// The live call's context (null without the interceptor, e.g. in tests).
std::shared_ptr<http::RequestContext> CallContext(grpc::ServerContextBase* context);

/// Records the caller's API key id for the call's line (caller_auth.cc).
void SetCallerKeyId(grpc::ServerContextBase* context, const std::string& key_id);

/// Installs the call's context on this thread for the scope (see the file
/// comment); a no-op for a call without one.
class CallScope {
 public:
  explicit CallScope(grpc::ServerContextBase* context) : scope_(CallContext(context)) {}

 private:
  http::ScopedRequestContext scope_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_CALL_LOG_H_
