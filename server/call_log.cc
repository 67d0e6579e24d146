#include "server/call_log.h"

#include <fcntl.h>
#include <google/protobuf/message.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <random>
#include <unordered_map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/core/clock.h"
#include "server/caller_auth.h"
#include "server/metrics.h"

namespace ghl::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr size_t kMaxRequestIdLength = 128;
constexpr char kRequestIdMetadata[] = "x-request-id";

// What is known of a live call beyond its interceptor.
struct CallState {
  std::mutex mu;
  std::shared_ptr<http::RequestContext> context;  // guarded by mu
  std::string key_id;                             // guarded by mu
};

class CallTable {
 public:
  std::shared_ptr<CallState> FindOrAdd(grpc::ServerContextBase* context) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = calls_[context];
    if (!slot) slot = std::make_shared<CallState>();
    return slot;
  }
  std::shared_ptr<CallState> Find(grpc::ServerContextBase* context) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = calls_.find(context);
    return it == calls_.end() ? nullptr : it->second;
  }
  void Forget(grpc::ServerContextBase* context, const std::shared_ptr<CallState>& state) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = calls_.find(context);
    if (it != calls_.end() && it->second == state) calls_.erase(it);
  }

 private:
  std::mutex mu_;
  std::unordered_map<grpc::ServerContextBase*, std::shared_ptr<CallState>> calls_;
};

CallTable& Table() {
  static auto* table = new CallTable();
  return *table;
}

bool IsRequestIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
         c == '-';
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t a = rng(), b = rng();
  return absl::StrCat(absl::Hex(a, absl::kZeroPad16), absl::Hex(b, absl::kZeroPad16));
}

std::string LogTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

// A text-format value: bare when plain, else quoted with C escapes.
std::string TextValue(absl::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c)) || c == '"' || c == '=') plain = false;
  }
  return plain ? std::string(v) : absl::StrCat("\"", absl::CHexEscape(v), "\"");
}

class CallLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info, CallLogger* logger)
      : info_(info),
        logger_(logger),
        start_(DefaultClock().Now()),
        // Registered before any interceptor sees the call, so caller auth
        // finds it whatever order the hooks run in.
        state_(Table().FindOrAdd(info->server_context())) {}
  ~CallLogInterceptor() override {
    // A call that ended without sending a status (the client went away).
    if (!logged_) WriteLine(grpc::Status(grpc::StatusCode::CANCELLED, "the caller went away"));
    Table().Forget(info_->server_context(), state_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      std::string from_caller;
      auto* metadata = methods->GetRecvInitialMetadata();
      if (auto it = metadata->find(kRequestIdMetadata); it != metadata->end()) {
        from_caller.assign(it->second.data(), it->second.size());
      }
      context_ = std::make_shared<http::RequestContext>(AcceptOrMakeRequestId(from_caller));
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->context = context_;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      const auto* message = static_cast<const google::protobuf::Message*>(methods->GetRecvMessage());
      if (location_.empty()) location_ = RequestLocationId(message);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA) && context_) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdMetadata, context_->request_id());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      WriteLine(methods->GetSendStatus());
      logged_ = true;
    }
    methods->Proceed();
  }

 private:
  void WriteLine(const grpc::Status& status) {
    if (logger_ == nullptr) return;
    CallRecord r;
    r.time = DefaultClock().Now();
    r.level = CallLevel(status.error_code());
    r.request_id = context_ ? context_->request_id() : "";
    r.method = MethodLabel(info_->method());
    r.location_id = location_;
    r.code = GrpcCodeName(status.error_code());
    r.duration_ms = absl::ToInt64Milliseconds(r.time - start_);
    r.upstream_calls = context_ ? context_->upstream_calls() : 0;
    r.peer = info_->server_context()->peer();
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      r.key_id = state_->key_id;
    }
    if (!status.ok()) {
      r.message = status.error_message();
      if (context_) r.trace_id = context_->upstream_trace_id();
    }
    logger_->Write(r);
  }

  grpc::experimental::ServerRpcInfo* info_;
  CallLogger* logger_;
  const absl::Time start_;
  const std::shared_ptr<CallState> state_;
  std::shared_ptr<http::RequestContext> context_;
  std::string location_;
  bool logged_ = false;
};

}  // namespace

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view s) {
  if (s == "json") return LogFormat::kJson;
  if (s == "text") return LogFormat::kText;
  return absl::InvalidArgumentError("--log-format: expected json or text");
}

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view s) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError, LogLevel::kOff}) {
    if (s == LogLevelName(l)) return l;
  }
  return absl::InvalidArgumentError("--log-level: expected debug, info, warn, error or off");
}

absl::string_view LogFormatName(LogFormat f) { return f == LogFormat::kJson ? "json" : "text"; }

absl::string_view LogLevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "off";
  }
  return "info";
}

LogLevel CallLevel(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return LogLevel::kInfo;
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return LogLevel::kError;
    default:
      return LogLevel::kWarn;
  }
}

std::string FormatCallRecord(const CallRecord& r, LogFormat format) {
  if (format == LogFormat::kText) {
    std::string out = absl::StrCat(LogTime(r.time), " ", LogLevelName(r.level),
                                   " request_id=", TextValue(r.request_id), " method=", TextValue(r.method));
    if (!r.location_id.empty()) absl::StrAppend(&out, " location_id=", TextValue(r.location_id));
    absl::StrAppend(&out, " code=", r.code, " duration_ms=", r.duration_ms,
                    " upstream_calls=", r.upstream_calls, " peer=", TextValue(r.peer));
    if (!r.key_id.empty()) absl::StrAppend(&out, " key_id=", TextValue(r.key_id));
    if (!r.trace_id.empty()) absl::StrAppend(&out, " trace_id=", TextValue(r.trace_id));
    if (!r.message.empty()) absl::StrAppend(&out, " message=", TextValue(r.message));
    return out;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto str = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  str("time", LogTime(r.time));
  str("level", std::string(LogLevelName(r.level)));
  str("request_id", r.request_id);
  str("method", r.method);
  if (!r.location_id.empty()) str("location_id", r.location_id);
  str("code", r.code);
  w.Key("duration_ms");
  w.Int64(r.duration_ms);
  w.Key("upstream_calls");
  w.Int64(r.upstream_calls);
  str("peer", r.peer);
  if (!r.key_id.empty()) str("key_id", r.key_id);
  if (!r.trace_id.empty()) str("trace_id", r.trace_id);
  if (!r.message.empty()) str("message", r.message);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<std::shared_ptr<CallLogger>> CallLogger::Open(LogFormat format, LogLevel level,
                                                             const std::string& path) {
  if (path.empty()) return std::shared_ptr<CallLogger>(new CallLogger(format, level, stderr, false));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  std::FILE* out = fd >= 0 ? ::fdopen(fd, "a") : nullptr;
  if (out == nullptr) {
    if (fd >= 0) ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat("--log-file: cannot open ", path));
  }
  return std::shared_ptr<CallLogger>(new CallLogger(format, level, out, true));
}

CallLogger::~CallLogger() {
  if (owned_) std::fclose(out_);
}

void CallLogger::Write(const CallRecord& record) {
  if (level_ == LogLevel::kOff || record.level < level_) return;
  std::string line = FormatCallRecord(record, format_);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

std::string AcceptOrMakeRequestId(absl::string_view from_metadata) {
  bool sane = !from_metadata.empty() && from_metadata.size() <= kMaxRequestIdLength;
  for (char c : from_metadata) {
    if (!IsRequestIdChar(c)) sane = false;
  }
  return sane ? std::string(from_metadata) : NewRequestId();
}

grpc::experimental::Interceptor* CallLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallLogInterceptor(info, logger_.get());
}

std::shared_ptr<http::RequestContext> CallContext(grpc::ServerContextBase* context) {
  auto state = Table().Find(context);
  if (!state) return nullptr;
  std::lock_guard<std::mutex> lock(state->mu);
  return state->context;
}

void SetCallerKeyId(grpc::ServerContextBase* context, const std::string& key_id) {
  auto state = Table().Find(context);
  if (!state) return;
  std::lock_guard<std::mutex> lock(state->mu);
  state->key_id = key_id;
}

}  // namespace ghl::server
