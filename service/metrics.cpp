#include "service/metrics.h"

#include <fmt/format.h>

namespace warrant::service {

namespace {
constexpr std::string_view kRoutePaths[] = {
#define WARRANT_ROUTE_PATH(Name, Path, Method) Path,
    WARRANT_SERVICE_ROUTES(WARRANT_ROUTE_PATH)
#undef WARRANT_ROUTE_PATH
        "other"};
constexpr std::string_view kRouteMethods[] = {
#define WARRANT_ROUTE_METHOD(Name, Path, Method) Method,
    WARRANT_SERVICE_ROUTES(WARRANT_ROUTE_METHOD)
#undef WARRANT_ROUTE_METHOD
        ""};
}  // namespace

Route RouteOf(std::string_view path) {
  for (size_t i = 0; i + 1 < kRouteCount; ++i) {
    if (path == kRoutePaths[i])
      return static_cast<Route>(i);
  }
  return Route::Other;
}

std::string_view RoutePath(Route route) {
  return kRoutePaths[static_cast<size_t>(route)];
}

std::string_view RouteMethod(Route route) {
  return kRouteMethods[static_cast<size_t>(route)];
}

void Metrics::CountRequest(Route route, int status, uint64_t nanoseconds) {
  const size_t code = status >= 100 && status < static_cast<int>(kStatuses) ? status : 0;
  requests_[static_cast<size_t>(route)][code].fetch_add(1, std::memory_order_relaxed);
  const double seconds = static_cast<double>(nanoseconds) / 1e9;
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket])
    ++bucket;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_ns_.fetch_add(nanoseconds, std::memory_order_relaxed);
}

void Metrics::CountDecision(Decision decision) {
  const auto index = static_cast<size_t>(decision);
  if (index < decisions_.size())
    decisions_[index].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::CountReload(bool ok) {
  (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, std::memory_order_relaxed);
}

void Metrics::CountDrop(Drop why) {
  drops_[static_cast<size_t>(why)].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::Render(std::string_view pack_hash) const {
  std::string out;
  out +=
      "# HELP warrant_http_requests_total HTTP requests answered, by route and status.\n"
      "# TYPE warrant_http_requests_total counter\n";
  for (size_t route = 0; route < kRouteCount; ++route) {
    for (size_t status = 0; status < kStatuses; ++status) {
      const uint64_t n = requests_[route][status].load(std::memory_order_relaxed);
      if (n != 0) {
        out += fmt::format("warrant_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                           kRoutePaths[route], status, n);
      }
    }
  }
  out +=
      "# HELP warrant_http_request_duration_seconds Time from a request's headers to its "
      "reply.\n"
      "# TYPE warrant_http_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kBuckets.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    const std::string le = i < kBuckets.size() ? fmt::format("{}", kBuckets[i]) : "+Inf";
    out += fmt::format("warrant_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", le,
                       cumulative);
  }
  out += fmt::format("warrant_http_request_duration_seconds_sum {}\n",
                     static_cast<double>(latency_ns_.load(std::memory_order_relaxed)) / 1e9);
  out += fmt::format("warrant_http_request_duration_seconds_count {}\n", cumulative);
  out +=
      "# HELP warrant_http_connections_dropped_total Connections the service closed: a client "
      "slower than --read-timeout or --write-timeout, or one over --max-connections.\n"
      "# TYPE warrant_http_connections_dropped_total counter\n";
  constexpr std::string_view kDropNames[] = {"read_timeout", "write_timeout", "over_limit"};
  for (size_t i = 0; i < drops_.size(); ++i) {
    out += fmt::format("warrant_http_connections_dropped_total{{reason=\"{}\"}} {}\n",
                       kDropNames[i], drops_[i].load(std::memory_order_relaxed));
  }
  out +=
      "# HELP warrant_decisions_total Claim lines decided, by decision.\n"
      "# TYPE warrant_decisions_total counter\n";
  for (size_t d = 0; d < decisions_.size(); ++d) {
    out += fmt::format("warrant_decisions_total{{decision=\"{}\"}} {}\n",
                       DecisionName(static_cast<Decision>(d)),
                       decisions_[d].load(std::memory_order_relaxed));
  }
  out +=
      "# HELP warrant_pack_reloads_total Pack reloads (SIGHUP or POST /v1/reload), by result.\n"
      "# TYPE warrant_pack_reloads_total counter\n";
  out += fmt::format("warrant_pack_reloads_total{{result=\"ok\"}} {}\n",
                     reloads_ok_.load(std::memory_order_relaxed));
  out += fmt::format("warrant_pack_reloads_total{{result=\"error\"}} {}\n",
                     reloads_failed_.load(std::memory_order_relaxed));
  out +=
      "# HELP warrant_pack_info The pack in force.\n"
      "# TYPE warrant_pack_info gauge\n";
  out += fmt::format("warrant_pack_info{{pack_hash=\"{}\"}} 1\n", pack_hash);
  return out;
}

}  // namespace warrant::service
