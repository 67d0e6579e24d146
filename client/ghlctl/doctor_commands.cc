// `ghlctl doctor`: DiagnosticsService.CheckLocation, printed as a checklist
// (✓/✗ per check), then one contact as GHL returns it next to the Rankr
// record the mapping makes of it. Exits non-zero when anything is wrong,
// with one line per reason.
#include <grpcpp/grpcpp.h>

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "client/field_mapping.h"
#include "client/ghlctl/group_util.h"
#include "client/status_conversion.h"
#include "ghl/contacts/v1/diagnostics_service.grpc.pb.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr char kDoctorUsage[] = R"(Usage: ghlctl doctor --location L [--contact C] [--mapping FILE] [--min-headroom PCT]

Checks a location through the gateway (DiagnosticsService.CheckLocation):
the credential (present, kind, scopes, expiry), a live read, rate-limit
headroom, the webhook listener (configured, reachable, URL, events), and one
contact, shown field by field next to the Rankr record the mapping makes
of it (GHL field -> value | Rankr field -> value), with mapping warnings.

Flags:
  --location L         GHL location id. Required.
  --contact C          The contact to show (default: the first one a search returns).
  --mapping FILE       Field mapping file (README "Sync"); without it only the GHL contact is shown.
  --min-headroom PCT   Minimum rate-limit headroom, percent of the interval's
                       and the day's limit (default 10).

Exit: 0 all checks passed; 4 a check failed (each reason printed: the
gateway's problems, no credential, a failed read, missing scope
contacts.write, low headroom, webhook not configured or unreachable, mapping
warnings on the contact); 1 the gateway is unreachable or refused the call;
2 usage or mapping file error.
)";

constexpr char kOk[] = "\u2713";
constexpr char kBad[] = "\u2717";

absl::StatusOr<v1::CheckLocationRequest> BuildDoctor(const FlagValues& flags, std::istream&) {
  v1::CheckLocationRequest request;
  request.set_location_id(flags.GetOr("location"));
  request.set_contact_id(flags.GetOr("contact"));
  if (auto pct = flags.Get("min-headroom")) {
    absl::StatusOr<int32_t> n = ParseIntFlag("min-headroom", *pct, 0, 100);
    if (!n.ok()) return n.status();
  }
  return request;
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  return FormatRfc3339Millis(absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()));
}

int RunDoctor(const v1::CheckLocationRequest& request, const FlagValues& flags, const GroupContext& context) {
  std::ostream& out = *context.console->out;
  std::optional<FieldMapping> mapping;
  if (auto path = flags.Get("mapping")) {
    absl::StatusOr<FieldMapping> loaded = FieldMapping::Load(*path);
    if (!loaded.ok()) return FailWith(context, loaded.status(), kExitUsage);
    mapping = *std::move(loaded);
  }
  int min_headroom = 10;
  if (auto pct = flags.Get("min-headroom")) (void)absl::SimpleAtoi(*pct, &min_headroom);

  const WallClock wall = context.options->wall_clock ? context.options->wall_clock : MakeWallClock();
  std::unique_ptr<v1::DiagnosticsService::Stub> stub = v1::DiagnosticsService::NewStub(context.channel);
  grpc::ClientContext call;
  call.set_deadline(absl::ToChronoTime(wall() + context.timeout));
  v1::CheckLocationResponse response;
  absl::Status status = FromGrpcStatus(stub->CheckLocation(&call, request, &response));
  if (!status.ok()) {
    *context.console->err << FormatError(status) << '\n'
                          << "doctor: the gateway did not answer the check"
                          << (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ? " (unreachable?)" : "")
                          << '\n'
                          << std::flush;
    return kExitRpcError;
  }
  std::vector<std::string> reasons(response.problems().begin(), response.problems().end());
  const auto check = [&](bool ok, const std::string& text, const std::string& reason = "") {
    out << "  " << (ok ? kOk : kBad) << " " << text << '\n';
    if (!ok && !reason.empty() &&
        std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) {
      reasons.push_back(reason);
    }
  };
  out << "location " << request.location_id() << '\n';
  const v1::CredentialCheck& cred = response.credential();
  check(cred.present(), absl::StrCat("credential present", cred.kind().empty() ? "" : " (" + cred.kind() + ")"),
        "no credential for the location");
  if (cred.scopes().empty()) {
    out << "  - scopes not reported" << (cred.kind().empty() ? "" : " by a " + cred.kind() + " credential") << '\n';
  } else {
    const bool write = std::find(cred.scopes().begin(), cred.scopes().end(), "contacts.write") != cred.scopes().end();
    check(write, absl::StrCat("scopes: ", absl::StrJoin(cred.scopes(), ", ")), "missing scope contacts.write");
  }
  if (cred.has_expire_time()) {
    const absl::Time expiry = absl::FromUnixSeconds(cred.expire_time().seconds());
    const bool valid = expiry > wall();
    check(valid, absl::StrCat("token expires ", TimeText(cred.expire_time())), "the access token has expired");
  }
  check(cred.read_ok(), "live read", "a live read with the credential failed");
  const v1::RateLimitCheck& rl = response.rate_limit();
  if (!rl.reported()) {
    out << "  - rate limit not reported by GHL\n";
  } else {
    const bool burst_ok = rl.max() <= 0 || rl.remaining() * 100 >= rl.max() * min_headroom;
    const bool daily_ok = rl.daily_limit() <= 0 || rl.daily_remaining() * 100 >= rl.daily_limit() * min_headroom;
    check(burst_ok && daily_ok,
          absl::StrCat("rate limit: ", rl.remaining(), "/", rl.max(), " per ", rl.interval_ms(), " ms, daily ",
                       rl.daily_remaining(), "/", rl.daily_limit()),
          absl::StrCat("low rate-limit headroom (under ", min_headroom, "% left)"));
  }
  const v1::WebhookCheck& wh = response.webhook();
  check(wh.configured(), absl::StrCat("webhook configured", wh.url().empty() ? "" : ": " + wh.url()),
        "no webhook listener configured");
  if (wh.configured()) {
    check(wh.reachable(), "webhook listener reachable", "the webhook listener did not answer");
    out << "  - " << wh.events_logged() << " events logged"
        << (wh.has_last_event_time() ? ", last at " + TimeText(wh.last_event_time()) : "") << '\n';
  }
  if (response.has_contact()) {
    const v1::Contact& contact = response.contact();
    out << "\ncontact " << contact.id() << '\n';
    rapidjson::Document doc;
    ghl::contacts::ContactToJson(contact, &doc, doc.GetAllocator());
    if (mapping.has_value()) {
      const RankrRecord record = mapping->Apply(contact);
      const std::vector<std::string> sources = mapping->SourceValues(contact);
      size_t width = 0;
      for (const MappingEntry& e : mapping->entries()) width = std::max(width, e.source.size());
      for (size_t i = 0; i < mapping->entries().size(); ++i) {
        const MappingEntry& e = mapping->entries()[i];
        out << "  " << e.source << std::string(width - e.source.size() + 1, ' ') << "-> " << (sources[i].empty() ? "(absent)" : sources[i])
            << "  |  " << e.target << " -> " << record.fields[i].second.ToJson() << '\n';
      }
      // GHL's contact answers carry custom field ids only: a key without a
      // `key` line matches no answer and stays null on every contact.
      for (const MappingEntry& e : mapping->entries()) {
        if (e.source_kind != MappingEntry::SourceKind::kCustomFieldKey || mapping->DeclaresKey(e.source_name)) continue;
        const std::string why = absl::StrCat("mapping: ", e.source, " has no 'key ", e.source_name,
                                             " <id>' line (GHL answers carry custom field ids only: ", e.target,
                                             " stays null)");
        check(false, why, why);
      }
      for (const FieldWarning& w : record.warnings) {
        check(false, absl::StrCat("mapping warning: ", w.field, ": ", w.message),
              absl::StrCat("mapping warning on ", w.field, ": ", w.message));
      }
      if (record.warnings.empty()) check(true, "mapping: no warnings");
    } else {
      out << PrettyJson(doc);
    }
  } else {
    check(false, "no contact could be read", "no contact could be read");
  }
  if (reasons.empty()) {
    out << "\nall checks passed\n" << std::flush;
    return kExitOk;
  }
  out << std::flush;
  std::ostream& err = *context.console->err;
  err << "doctor: " << reasons.size() << (reasons.size() == 1 ? " problem" : " problems") << ":\n";
  for (const std::string& reason : reasons) err << "  " << kBad << " " << reason << '\n';
  err << std::flush;
  return kExitCheckFailed;
}

}  // namespace

CommandGroup MakeDoctorGroup() {
  CommandGroup group;
  group.name = "doctor";
  group.summary = "Check a location's credential, rate limit, webhooks and field mapping through the gateway.";
  group.subcommands.push_back(MakeSubcommand<v1::CheckLocationRequest>(
      "", group.summary, kDoctorUsage,
      {LocationFlag(),
       {"contact", GroupFlagKind::kValue},
       {"mapping", GroupFlagKind::kValue},
       {"min-headroom", GroupFlagKind::kValue}},
      BuildDoctor, RunDoctor));
  return group;
}

}  // namespace ghl::client::ghlctl
