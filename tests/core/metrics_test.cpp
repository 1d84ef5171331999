// The metrics SDK: instruments and their aggregations as exported (read back by the test's own
// metrics reader), unordered attribute sets, the cardinality limit's overflow series,
// temporality over several collections, observable callbacks, bound instruments, the periodic
// reader and the engine's accounting. Runs natively and in WASM.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <cmath>
#include <set>
#include <random>
#include <string>

#include "metrics/exponential_histogram.hpp"
#include "otlp/metrics/metrics.hpp"
#include "support/fake_host.hpp"
#include "support/metrics_reader.hpp"

namespace otlp {
namespace {

using testing::EngineHost;
using testing::FakeClock;
using testing::kMs;
using testing::kSec;
using testing::MetricRead;
using testing::MetricsRead;
using testing::PointRead;

ExportConfig engine_config() {
  ExportConfig c;
  c.signal = Signal::metrics;
  return c;
}

MeterProviderConfig provider_config(TemporalityPreference t = TemporalityPreference::cumulative,
                                    std::uint32_t limit = 2000) {
  MeterProviderConfig c;
  c.resource.attributes.push_back({"service.name", AnyValue("checkout")});
  c.temporality = t;
  c.cardinality_limit = limit;
  return c;
}

struct Rig {
  explicit Rig(MeterProviderConfig config = provider_config())
      : engine(engine_config()), provider(engine, clock, std::move(config)), host(engine, clock),
        meter(provider.meter("shop", "1.2.0")) {}

  // Collects at the clock's time (a second after the last), answers the request and reads it;
  // an empty read when nothing was submitted.
  MetricsRead collect() {
    clock.now += kSec;
    MetricsRead read;
    const std::uint32_t points = provider.collect(clock.now);
    host.poll();
    if (points == 0) {
      EXPECT_TRUE(host.in_flight.empty());
      return read;
    }
    EXPECT_EQ(host.in_flight.size(), 1u);
    if (host.in_flight.empty()) return read;
    EXPECT_TRUE(testing::read_metrics(host.in_flight.back().body, read));
    EXPECT_EQ(host.in_flight.back().spans, points);
    EXPECT_EQ(read.points(), points);
    while (!host.in_flight.empty()) host.answer(Outcome::ok());
    return read;
  }

  FakeClock clock;
  ExportEngine engine;
  MeterProvider provider;
  EngineHost host;
  Meter meter;
};

// The point of `m` with these attributes (nullptr when absent).
const PointRead* point(const MetricRead* m, const std::map<std::string, std::string>& attributes) {
  if (!m) return nullptr;
  for (const auto& p : m->points)
    if (p.attributes == attributes) return &p;
  return nullptr;
}

TEST(Metrics, CounterAsExported) {
  Rig rig;
  const std::uint64_t start = rig.clock.now;
  auto counter = rig.meter.counter<std::int64_t>("http.server.request.count", {"{request}", "requests served"});
  counter.add(2, {{"http.request.method", "GET"}, {"http.response.status_code", 200}});
  counter.add(3, {{"http.request.method", "GET"}, {"http.response.status_code", 200}});
  counter.add(1, {{"http.request.method", "POST"}, {"http.response.status_code", 201}});
  counter.add(0);
  const MetricsRead read = rig.collect();
  EXPECT_EQ(read.resource.at("service.name"), "checkout");
  ASSERT_EQ(read.metrics.size(), 1u);
  const MetricRead& m = read.metrics[0];
  EXPECT_EQ(m.scope_name, "shop");
  EXPECT_EQ(m.scope_version, "1.2.0");
  EXPECT_EQ(m.name, "http.server.request.count");
  EXPECT_EQ(m.unit, "{request}");
  EXPECT_EQ(m.description, "requests served");
  EXPECT_EQ(m.type, MetricRead::Type::sum);
  EXPECT_TRUE(m.monotonic);
  EXPECT_EQ(m.temporality, 2);
  ASSERT_EQ(m.points.size(), 3u);
  const PointRead* get = point(&m, {{"http.request.method", "GET"}, {"http.response.status_code", "200"}});
  ASSERT_NE(get, nullptr);
  EXPECT_TRUE(get->has_int);
  EXPECT_FALSE(get->has_double);
  EXPECT_EQ(get->as_int, 5);
  EXPECT_EQ(get->start, start);
  EXPECT_EQ(get->time, rig.clock.now);
  const PointRead* none = point(&m, {});
  ASSERT_NE(none, nullptr);
  EXPECT_TRUE(none->has_int);  // a zero is still the oneof's value, written
  EXPECT_EQ(none->as_int, 0);
}

TEST(Metrics, DoubleSumsUpDownCountersAndRefusedValues) {
  Rig rig;
  auto seconds = rig.meter.counter<double>("busy.time", {"s"});
  auto active = rig.meter.up_down_counter<std::int64_t>("active");
  auto level = rig.meter.up_down_counter<double>("level");
  seconds.add(0.25);
  seconds.add(-1.0);  // a counter only grows: dropped
  seconds.add(std::numeric_limits<double>::quiet_NaN());
  seconds.add(0.5);
  active.add(1);
  active.add(-3);
  level.add(-0.5);
  const MetricsRead read = rig.collect();
  const MetricRead* s = read.find("busy.time");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->points.size(), 1u);
  EXPECT_TRUE(s->points[0].has_double);
  EXPECT_EQ(s->points[0].as_double, 0.75);
  const MetricRead* a = read.find("active");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->monotonic);
  EXPECT_EQ(a->temporality, 2);
  EXPECT_EQ(a->points.at(0).as_int, -2);
  EXPECT_EQ(read.find("level")->points.at(0).as_double, -0.5);
}

TEST(Metrics, AttributeSetsAreUnordered) {
  Rig rig;
  auto counter = rig.meter.counter<std::int64_t>("c");
  counter.add(1, {{"a", 1}, {"b", "x"}, {"c", true}});
  counter.add(2, {{"c", true}, {"a", 1}, {"b", "x"}});
  counter.add(4, {{"b", "x"}, {"c", true}, {"a", 1}});
  // A key given twice keeps its last value: {a=1,b=x,c=true} once more.
  counter.add(8, {{"a", 7}, {"b", "x"}, {"c", true}, {"a", 1}});
  // Values of other types are other series: 1 is not "1" nor 1.0.
  counter.add(16, {{"a", "1"}, {"b", "x"}, {"c", true}});
  counter.add(32, {{"a", 1.0}, {"b", "x"}, {"c", true}});
  counter.add(64, {{"a", 1}, {"b", "x"}});  // a subset is another set
  const MetricsRead read = rig.collect();
  const MetricRead* m = read.find("c");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->points.size(), 4u);
  const PointRead* p = point(m, {{"a", "1"}, {"b", "x"}, {"c", "true"}});
  ASSERT_EQ(std::count_if(m->points.begin(), m->points.end(),
                          [](const PointRead& q) { return q.attributes == std::map<std::string, std::string>{
                                                                                {"a", "1"}, {"b", "x"}, {"c", "true"}}; }),
            2);  // the int 1 and the string "1" print alike: told apart by their sums below
  std::multiset<std::int64_t> sums;
  for (const auto& q : m->points) sums.insert(q.as_int);
  EXPECT_EQ(sums, (std::multiset<std::int64_t>{15, 16, 32, 64}));
  ASSERT_NE(p, nullptr);
  for (const auto& q : m->points) EXPECT_EQ(static_cast<std::size_t>(q.attribute_fields), q.attributes.size());
}

TEST(Metrics, SumsMatchAReferenceOverRandomSets) {
  Rig rig;
  auto counter = rig.meter.counter<std::int64_t>("c");
  auto doubles = rig.meter.up_down_counter<double>("d");
  std::mt19937_64 rng(7);
  const char* keys[] = {"k0", "k1", "k2", "k3"};
  std::map<std::map<std::string, std::string>, std::int64_t> want;
  std::map<std::map<std::string, std::string>, double> want_d;
  for (int i = 0; i < 5000; ++i) {
    // Two to four distinct keys with small values, in a shuffled order.
    std::vector<int> order = {0, 1, 2, 3};
    std::shuffle(order.begin(), order.end(), rng);
    const std::size_t n = 2 + rng() % 3;
    std::vector<Attribute> attrs;
    std::map<std::string, std::string> set;
    for (std::size_t j = 0; j < n; ++j) {
      const int v = static_cast<int>(rng() % 3);
      attrs.push_back({keys[order[j]], v});
      set[keys[order[j]]] = std::to_string(v);
    }
    const auto value = static_cast<std::int64_t>(rng() % 1000);
    counter.add(value, attrs.data(), attrs.size());
    want[set] += value;
    const double dv = static_cast<double>(value) / 8 - 60;  // eighths: exact in a double
    doubles.add(dv, attrs.data(), attrs.size());
    want_d[set] += dv;
  }
  const MetricsRead read = rig.collect();
  const MetricRead* m = read.find("c");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->points.size(), want.size());
  for (const auto& [set, sum] : want) {
    const PointRead* p = point(m, set);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->as_int, sum);
    EXPECT_EQ(point(read.find("d"), set)->as_double, want_d[set]);
  }
}

TEST(Metrics, HistogramBucketsAreUpperInclusive) {
  Rig rig;
  auto h = rig.meter.histogram<double>("h", {"ms"});
  for (double v : {0.0, 5.0, 5.000001, 10.0, 7500.0, 10000.0, 10000.5, 1e300, 2.5})
    h.record(v);
  h.record(-1.0);  // not a histogram value: dropped
  const MetricsRead read = rig.collect();
  const MetricRead* m = read.find("h");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, MetricRead::Type::histogram);
  EXPECT_EQ(m->temporality, 2);
  ASSERT_EQ(m->points.size(), 1u);
  const PointRead& p = m->points[0];
  EXPECT_EQ(p.explicit_bounds, std::vector<double>(std::begin(kDefaultBoundaries), std::end(kDefaultBoundaries)));
  //                                      0  5 10 25 50 75 100 250 500 750 1k 2.5k 5k 7.5k 10k inf
  EXPECT_EQ(p.bucket_counts, (std::vector<std::uint64_t>{1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2}));
  EXPECT_EQ(p.count, 9u);
  EXPECT_EQ(p.min, 0.0);
  EXPECT_EQ(p.max, 1e300);
  ASSERT_TRUE(p.sum.has_value());
}

TEST(Metrics, HistogramsMatchAReferenceOverRandomValues) {
  Rig rig;
  InstrumentOptions options;
  options.boundaries = {1, 2.5, 10, 0.5, 100};  // unsorted: sorted at creation
  auto h = rig.meter.histogram<double>("h", options);
  auto hi = rig.meter.histogram<std::int64_t>("hi");
  std::mt19937_64 rng(11);
  const std::vector<double> bounds = {0.5, 1, 2.5, 10, 100};
  std::vector<std::uint64_t> counts(bounds.size() + 1), counts_i(16);
  double sum = 0, min = 1e9, max = -1;
  std::int64_t sum_i = 0;
  for (int i = 0; i < 4000; ++i) {
    // Quarter steps up to 150: many values sit exactly on a bound.
    const double v = static_cast<double>(rng() % 600) / 4;
    h.record(v);
    std::size_t b = 0;
    while (b < bounds.size() && v > bounds[b]) ++b;
    ++counts[b];
    sum += v;
    min = std::min(min, v);
    max = std::max(max, v);
    const auto iv = static_cast<std::int64_t>(rng() % 12000);
    hi.record(iv);
    std::size_t bi = 0;
    while (bi < 15 && static_cast<double>(iv) > kDefaultBoundaries[bi]) ++bi;
    ++counts_i[bi];
    sum_i += iv;
  }
  const MetricsRead read = rig.collect();
  const PointRead& p = read.find("h")->points.at(0);
  EXPECT_EQ(p.explicit_bounds, bounds);
  EXPECT_EQ(p.bucket_counts, counts);
  EXPECT_EQ(p.count, 4000u);
  EXPECT_EQ(p.sum, sum);
  EXPECT_EQ(p.min, min);
  EXPECT_EQ(p.max, max);
  const PointRead& pi = read.find("hi")->points.at(0);
  EXPECT_EQ(pi.bucket_counts, counts_i);
  EXPECT_EQ(pi.sum, static_cast<double>(sum_i));
}

TEST(Metrics, CardinalityOverflowLosesNothing) {
  Rig rig(provider_config(TemporalityPreference::cumulative, 10));
  auto counter = rig.meter.counter<std::int64_t>("c");
  InstrumentOptions small;
  small.cardinality_limit = 3;
  auto h = rig.meter.histogram<double>("h", small);
  std::int64_t total = 0;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 300; ++i) {
    const auto v = static_cast<std::int64_t>(rng() % 100);
    const int set = static_cast<int>(rng() % 40);
    counter.add(v, {{"set", set}});
    h.record(static_cast<double>(v), {{"set", set}});
    total += v;
  }
  counter.add(1, {{"set", 0}});  // a set with its own series keeps it past the limit
  ++total;
  const MetricsRead read = rig.collect();
  const MetricRead* m = read.find("c");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->points.size(), 10u);  // 9 sets and the overflow series
  std::int64_t sum = 0;
  for (const auto& p : m->points) sum += p.as_int;
  EXPECT_EQ(sum, total);
  ASSERT_NE(point(m, {{"otel.metric.overflow", "true"}}), nullptr);
  const MetricRead* hm = read.find("h");
  ASSERT_EQ(hm->points.size(), 3u);
  std::uint64_t count = 0;
  double hsum = 0;
  for (const auto& p : hm->points) count += p.count, hsum += *p.sum;
  EXPECT_EQ(count, 300u);
  EXPECT_EQ(hsum, static_cast<double>(total - 1));
  ASSERT_NE(point(hm, {{"otel.metric.overflow", "true"}}), nullptr);
}

TEST(Metrics, TemporalityByPreferenceAndKind) {
  using K = InstrumentKind;
  using T = Temporality;
  const K kinds[] = {K::counter, K::up_down_counter, K::histogram, K::gauge,
                     K::observable_counter, K::observable_up_down_counter, K::observable_gauge};
  const T delta[] = {T::delta, T::cumulative, T::delta, T::cumulative, T::delta, T::cumulative, T::cumulative};
  const T low[] = {T::delta, T::cumulative, T::delta, T::cumulative, T::cumulative, T::cumulative, T::cumulative};
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(temporality_for(TemporalityPreference::cumulative, kinds[i]), T::cumulative) << i;
    EXPECT_EQ(temporality_for(TemporalityPreference::delta, kinds[i]), delta[i]) << i;
    EXPECT_EQ(temporality_for(TemporalityPreference::lowmemory, kinds[i]), low[i]) << i;
  }
}

// Three collections: A and B measured, then A only, then nothing.
TEST(Metrics, CumulativeAndDeltaOverThreeCollections) {
  for (const auto pref : {TemporalityPreference::cumulative, TemporalityPreference::delta}) {
    SCOPED_TRACE(pref == TemporalityPreference::delta ? "delta" : "cumulative");
    const bool delta = pref == TemporalityPreference::delta;
    Rig rig(provider_config(pref));
    const std::uint64_t start = rig.clock.now;
    auto c = rig.meter.counter<std::int64_t>("c");
    auto h = rig.meter.histogram<double>("h");
    auto ud = rig.meter.up_down_counter<std::int64_t>("ud");  // cumulative under both
    c.add(1, {{"s", "A"}});
    c.add(2, {{"s", "B"}});
    h.record(3, {{"s", "A"}});
    ud.add(5);
    const MetricsRead r1 = rig.collect();
    const std::uint64_t t1 = rig.clock.now;
    c.add(3, {{"s", "A"}});
    h.record(30, {{"s", "A"}});
    const MetricsRead r2 = rig.collect();
    const std::uint64_t t2 = rig.clock.now;
    const MetricsRead r3 = rig.collect();

    EXPECT_EQ(r1.find("c")->temporality, delta ? 1 : 2);
    EXPECT_EQ(r1.find("h")->temporality, delta ? 1 : 2);
    EXPECT_EQ(r1.find("ud")->temporality, 2);
    EXPECT_EQ(point(r1.find("c"), {{"s", "A"}})->as_int, 1);
    EXPECT_EQ(point(r1.find("c"), {{"s", "B"}})->as_int, 2);
    EXPECT_EQ(point(r1.find("c"), {{"s", "A"}})->start, start);
    const PointRead* a2 = point(r2.find("c"), {{"s", "A"}});
    ASSERT_NE(a2, nullptr);
    EXPECT_EQ(a2->as_int, delta ? 3 : 4);
    EXPECT_EQ(a2->start, delta ? t1 : start);
    const PointRead* b2 = point(r2.find("c"), {{"s", "B"}});
    const PointRead* h2 = point(r2.find("h"), {{"s", "A"}});
    ASSERT_NE(h2, nullptr);
    EXPECT_EQ(h2->count, delta ? 1u : 2u);
    EXPECT_EQ(h2->sum, delta ? 30.0 : 33.0);
    EXPECT_EQ(h2->min, delta ? 30.0 : 3.0);
    EXPECT_EQ(point(r3.find("ud"), {})->as_int, 5);
    if (delta) {
      EXPECT_EQ(b2, nullptr);  // nothing new: no point
      EXPECT_EQ(r3.find("c"), nullptr);
      EXPECT_EQ(r3.find("h"), nullptr);
      EXPECT_EQ(r3.points(), 1u);
    } else {
      ASSERT_NE(b2, nullptr);
      EXPECT_EQ(b2->as_int, 2);
      EXPECT_EQ(point(r3.find("c"), {{"s", "A"}})->as_int, 4);
      EXPECT_EQ(point(r3.find("c"), {{"s", "B"}})->as_int, 2);
      EXPECT_EQ(point(r3.find("h"), {{"s", "A"}})->count, 2u);
      EXPECT_EQ(point(r3.find("c"), {{"s", "B"}})->start, start);
      EXPECT_EQ(point(r3.find("c"), {{"s", "B"}})->time, t2 + kSec);
    }
  }
}

TEST(Metrics, ObservableCallbacksRunAtEachCollection) {
  for (const auto pref : {TemporalityPreference::cumulative, TemporalityPreference::delta}) {
    const bool delta = pref == TemporalityPreference::delta;
    Rig rig(provider_config(pref));
    std::int64_t total = 0;
    int calls = 0;
    rig.meter.observable_counter<std::int64_t>("bytes", [&](Observer<std::int64_t>& o) {
      ++calls;
      o.observe(total, {{"dir", "in"}});
      if (calls != 2) o.observe(total * 2, {{"dir", "out"}});  // not observed in the second
    });
    double level = 0;
    rig.meter.observable_gauge<double>("level", [&](Observer<double>& o) { o.observe(level); });
    rig.meter.observable_up_down_counter<std::int64_t>("queue", [&](Observer<std::int64_t>& o) { o.observe(-total); });
    EXPECT_EQ(calls, 0);
    total = 10, level = 0.5;
    const MetricsRead r1 = rig.collect();
    total = 25, level = 0.25;
    const MetricsRead r2 = rig.collect();
    const MetricsRead r3 = rig.collect();
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(r1.find("bytes")->temporality, delta ? 1 : 2);
    EXPECT_TRUE(r1.find("bytes")->monotonic);
    EXPECT_EQ(point(r1.find("bytes"), {{"dir", "in"}})->as_int, 10);
    EXPECT_EQ(point(r1.find("bytes"), {{"dir", "out"}})->as_int, 20);
    EXPECT_EQ(point(r2.find("bytes"), {{"dir", "in"}})->as_int, delta ? 15 : 25);
    EXPECT_EQ(point(r2.find("bytes"), {{"dir", "out"}}), nullptr);
    EXPECT_EQ(point(r3.find("bytes"), {{"dir", "in"}})->as_int, delta ? 0 : 25);
    EXPECT_EQ(point(r3.find("bytes"), {{"dir", "out"}})->as_int, delta ? 30 : 50);  // since its last observation
    EXPECT_EQ(r2.find("level")->type, MetricRead::Type::gauge);
    EXPECT_EQ(r2.find("level")->points.at(0).as_double, 0.25);
    EXPECT_EQ(r2.find("queue")->temporality, 2);
    EXPECT_FALSE(r2.find("queue")->monotonic);
    EXPECT_EQ(r2.find("queue")->points.at(0).as_int, -25);
  }
}

TEST(Metrics, ObservationsPastTheLimitAddUpInTheOverflowSeries) {
  Rig rig(provider_config(TemporalityPreference::cumulative, 3));
  rig.meter.observable_counter<std::int64_t>("c", [](Observer<std::int64_t>& o) {
    for (int i = 0; i < 6; ++i) o.observe(10 + i, {{"i", i}});
  });
  for (int round = 0; round < 2; ++round) {  // the overflow sum starts afresh at each collection
    const MetricsRead r = rig.collect();
    const MetricRead* m = r.find("c");
    ASSERT_EQ(m->points.size(), 3u);
    EXPECT_EQ(point(m, {{"otel.metric.overflow", "true"}})->as_int, 12 + 13 + 14 + 15);
  }
}

TEST(Metrics, GaugesKeepTheLastValue) {
  Rig rig;
  auto g = rig.meter.gauge<std::int64_t>("temp");
  g.record(20, {{"room", "a"}});
  g.record(-3, {{"room", "a"}});
  g.record(7);
  const MetricsRead r1 = rig.collect();
  EXPECT_EQ(r1.find("temp")->type, MetricRead::Type::gauge);
  EXPECT_EQ(point(r1.find("temp"), {{"room", "a"}})->as_int, -3);
  EXPECT_EQ(point(r1.find("temp"), {})->as_int, 7);
  g.record(9);
  const MetricsRead r2 = rig.collect();  // an unchanged gauge still reports its value
  EXPECT_EQ(point(r2.find("temp"), {{"room", "a"}})->as_int, -3);
  EXPECT_EQ(point(r2.find("temp"), {})->as_int, 9);
}

TEST(Metrics, BoundInstrumentsShareTheSeries) {
  Rig rig;
  auto c = rig.meter.counter<std::int64_t>("c");
  auto d = rig.meter.counter<double>("d");
  auto h = rig.meter.histogram<double>("h");
  auto bound = c.bind({{"route", "/a"}, {"method", "GET"}});
  auto bound_d = d.bind({});
  auto bound_h = h.bind({{"route", "/a"}});
  ASSERT_TRUE(bound);
  for (int i = 0; i < 100; ++i) bound.add(1);
  c.add(5, {{"method", "GET"}, {"route", "/a"}});
  bound_d.add(0.5);
  d.add(0.25);
  bound_h.record(7.0);
  bound_h.record(std::int64_t{700});
  bound_h.record(-7.0);  // dropped
  h.record(70.0, {{"route", "/a"}});
  BoundSum<std::int64_t> unbound;
  unbound.add(1);  // records nothing, crashes nothing
  EXPECT_FALSE(unbound);
  const MetricsRead r = rig.collect();
  ASSERT_EQ(r.find("c")->points.size(), 1u);
  EXPECT_EQ(point(r.find("c"), {{"route", "/a"}, {"method", "GET"}})->as_int, 105);
  EXPECT_EQ(point(r.find("d"), {})->as_double, 0.75);
  const PointRead* hp = point(r.find("h"), {{"route", "/a"}});
  EXPECT_EQ(hp->count, 3u);
  EXPECT_EQ(hp->sum, 777.0);
  // A bound series outlives collections: delta or cumulative, it is the same series.
  bound.add(1);
  EXPECT_EQ(point(rig.collect().find("c"), {{"route", "/a"}, {"method", "GET"}})->as_int, 106);
}

TEST(Metrics, AggregationsChosenPerInstrument) {
  Rig rig;
  InstrumentOptions drop;
  drop.aggregation = Aggregation::drop;
  InstrumentOptions as_sum;
  as_sum.aggregation = Aggregation::sum;
  InstrumentOptions as_histogram;
  as_histogram.aggregation = Aggregation::explicit_histogram;
  as_histogram.boundaries = {1};
  rig.meter.counter<std::int64_t>("dropped", drop).add(1);
  rig.meter.histogram<double>("h_sum", as_sum).record(2.5);
  auto ch = rig.meter.counter<std::int64_t>("c_hist", as_histogram);
  ch.add(1);
  ch.add(2);
  EXPECT_FALSE(ch.bind({}));  // a bound sum has no histogram to add to
  const MetricsRead r = rig.collect();
  EXPECT_EQ(r.find("dropped"), nullptr);
  EXPECT_EQ(r.find("h_sum")->type, MetricRead::Type::sum);
  EXPECT_TRUE(r.find("h_sum")->monotonic);
  EXPECT_EQ(r.find("h_sum")->points.at(0).as_double, 2.5);
  EXPECT_EQ(r.find("c_hist")->type, MetricRead::Type::histogram);
  EXPECT_EQ(r.find("c_hist")->points.at(0).bucket_counts, (std::vector<std::uint64_t>{1, 1}));
}

// --- the base-2 exponential histogram aggregation --------------------------------------------

InstrumentOptions exponential() {
  InstrumentOptions o;
  o.aggregation = Aggregation::exponential_histogram;
  return o;
}

std::vector<std::uint64_t> counts_of(const detail::ExponentialBuckets& b) {
  std::vector<std::uint64_t> c(b.size());
  for (std::size_t k = 0; k < b.size(); ++k) c[k] = b[k];
  return c;
}

// The exported point is the aggregator's own read-out of the same values, field by field.
void expect_point_is(const PointRead* p, const detail::ExponentialHistogram& want, int line = __builtin_LINE()) {
  SCOPED_TRACE(line);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->count, want.count());
  EXPECT_EQ(p->sum, want.sum());
  EXPECT_EQ(p->min, want.min());
  EXPECT_EQ(p->max, want.max());
  EXPECT_EQ(p->scale, want.scale());
  EXPECT_EQ(p->zero_count, want.zero_count());
  EXPECT_EQ(p->zero_threshold, 0.0);
  EXPECT_EQ(p->positive_offset, want.positive().offset());
  EXPECT_EQ(p->positive_counts, counts_of(want.positive()));
  EXPECT_EQ(p->negative_offset, want.negative().offset());
  EXPECT_EQ(p->negative_counts, counts_of(want.negative()));
}

detail::ExponentialHistogram reference_of(const std::vector<double>& values) {
  detail::ExponentialHistogram h({160, 20, 0});
  for (const double v : values) h.record(v);
  return h;
}

TEST(Metrics, ExponentialHistogramPointsAreTheAggregatorsReadOut) {
  Rig rig;
  auto h = rig.meter.histogram<double>("h", exponential());
  auto hi = rig.meter.histogram<std::int64_t>("hi", exponential());
  std::mt19937_64 rng(15);
  std::uniform_real_distribution<double> exponent(-20, 40);
  std::vector<double> values = {0, 0, 1, 2, 4, 1024, 0.5, 3.75};
  for (int i = 0; i < 500; ++i) values.push_back(std::exp2(exponent(rng)));  // enough range to rescale
  for (const double v : values) h.record(v, {{"route", "/a"}});
  h.record(-1.0, {{"route", "/a"}});  // not a histogram value: dropped
  h.record(std::numeric_limits<double>::quiet_NaN(), {{"route", "/a"}});
  for (const std::int64_t v : {0, 7, 7, 300}) hi.record(v);
  const MetricsRead r = rig.collect();
  const MetricRead* m = r.find("h");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, MetricRead::Type::exponential_histogram);
  EXPECT_EQ(m->temporality, 2);
  const PointRead* p = point(m, {{"route", "/a"}});
  const detail::ExponentialHistogram want = reference_of(values);
  EXPECT_LT(want.scale(), 20);  // the values did not fit at the starting scale
  EXPECT_EQ(p->count, values.size());
  EXPECT_EQ(p->zero_count, 2u);
  EXPECT_EQ(p->start, rig.provider.start_time());
  expect_point_is(p, want);
  EXPECT_TRUE(p->negative_counts.empty());  // a histogram instrument takes no negative value
  expect_point_is(point(r.find("hi"), {}), reference_of({0, 7, 7, 300}));
}

TEST(Metrics, ExponentialHistogramTakesNegativesAndZeroFromOtherInstruments) {
  // An up-down counter or gauge aggregated as an exponential histogram brings negative values:
  // they go to the negative buckets by their magnitude, zeros to zero_count.
  Rig rig;
  auto ud = rig.meter.up_down_counter<double>("ud", exponential());
  auto g = rig.meter.gauge<std::int64_t>("g", exponential());
  const std::vector<double> values = {-3, -0.5, -0.5, 0, -0.0, 2, -1e300, 1e-300};
  for (const double v : values) ud.add(v);
  for (const std::int64_t v : {-8, -8, 0, 5}) g.record(v, {{"room", "a"}});
  const MetricsRead r = rig.collect();
  const detail::ExponentialHistogram want = reference_of(values);
  const PointRead* p = point(r.find("ud"), {});
  expect_point_is(p, want);
  EXPECT_EQ(p->zero_count, 2u);
  EXPECT_EQ(p->min, -1e300);
  EXPECT_EQ(std::accumulate(p->negative_counts.begin(), p->negative_counts.end(), std::uint64_t{0}), 4u);
  EXPECT_LT(p->scale, 0);                // 1e-300 to 1e300 spans more than 160 octaves
  EXPECT_LT(p->positive_offset, 0);      // 1e-300's bucket
  expect_point_is(point(r.find("g"), {{"room", "a"}}), reference_of({-8, -8, 0, 5}));
}

TEST(Metrics, ExponentialHistogramIgnoresInfinities) {
  Rig rig;
  auto h = rig.meter.histogram<double>("h", exponential());
  auto bound = h.bind({{"k", "v"}});
  h.record(std::numeric_limits<double>::infinity());
  bound.record(std::numeric_limits<double>::infinity());
  EXPECT_EQ(rig.collect().find("h"), nullptr);  // nothing measured: no point, not an empty one
  bound.record(2.0);
  h.record(3.0, {{"k", "v"}});
  const MetricsRead r = rig.collect();
  const PointRead* p = point(r.find("h"), {{"k", "v"}});
  expect_point_is(p, reference_of({2, 3}));
  EXPECT_EQ(p->count, 2u);  // the bound and the unbound record share the series
}

TEST(Metrics, ExponentialHistogramDeltaResetsAndKeepsTheScale) {
  Rig rig(provider_config(TemporalityPreference::delta));
  auto h = rig.meter.histogram<double>("h", exponential());
  const std::vector<double> first = {1e-6, 1, 1e6, 0};
  for (const double v : first) h.record(v);
  const MetricsRead r1 = rig.collect();
  const std::uint64_t t1 = rig.clock.now;
  const PointRead* p1 = point(r1.find("h"), {});
  EXPECT_EQ(r1.find("h")->temporality, 1);
  expect_point_is(p1, reference_of(first));
  const std::int32_t scale = p1->scale;
  ASSERT_LT(scale, 20);

  h.record(3);
  h.record(-1);  // dropped
  const MetricsRead r2 = rig.collect();
  const PointRead* p2 = point(r2.find("h"), {});
  ASSERT_NE(p2, nullptr);
  // Only what was recorded since, at the scale kept (a fresh aggregator would be at 20).
  EXPECT_EQ(p2->count, 1u);
  EXPECT_EQ(p2->sum, 3.0);
  EXPECT_EQ(p2->min, 3.0);
  EXPECT_EQ(p2->max, 3.0);
  EXPECT_EQ(p2->zero_count, 0u);
  EXPECT_EQ(p2->scale, scale);
  EXPECT_EQ(p2->positive_offset, detail::exponential_bucket_index(3, scale));
  EXPECT_EQ(p2->positive_counts, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(p2->start, t1);
  EXPECT_EQ(p2->time, rig.clock.now);

  EXPECT_EQ(rig.collect().find("h"), nullptr);  // nothing new: no point
  h.record(5);
  const MetricsRead r4 = rig.collect();
  const PointRead* p4 = point(r4.find("h"), {});
  ASSERT_NE(p4, nullptr);
  EXPECT_EQ(p4->count, 1u);
  EXPECT_EQ(p4->scale, scale);
}

TEST(Metrics, ExponentialHistogramCumulativeKeepsTheTotals) {
  Rig rig;
  auto h = rig.meter.histogram<double>("h", exponential());
  std::vector<double> all = {0.25, 1, 10};
  for (const double v : all) h.record(v, {{"s", "A"}});
  const MetricsRead r1 = rig.collect();
  expect_point_is(point(r1.find("h"), {{"s", "A"}}), reference_of(all));
  for (const double v : {1e-9, 1e9, 10.0}) {
    h.record(v, {{"s", "A"}});
    all.push_back(v);
  }
  const MetricsRead r2 = rig.collect();
  const PointRead* p2 = point(r2.find("h"), {{"s", "A"}});
  expect_point_is(p2, reference_of(all));
  EXPECT_EQ(p2->count, 6u);
  EXPECT_EQ(p2->start, rig.provider.start_time());
  const MetricsRead r3 = rig.collect();  // nothing new: the total stands
  const PointRead* p3 = point(r3.find("h"), {{"s", "A"}});
  expect_point_is(p3, reference_of(all));
  EXPECT_EQ(p3->start, rig.provider.start_time());
  EXPECT_EQ(p3->time, rig.clock.now);
}

TEST(Metrics, DefaultHistogramAggregationSwitchesByKindHistograms) {
  MeterProviderConfig config = provider_config();
  EXPECT_EQ(config.default_histogram_aggregation, Aggregation::explicit_histogram);
  {
    Rig rig(config);
    rig.meter.histogram<double>("h").record(1);
    EXPECT_EQ(rig.collect().find("h")->type, MetricRead::Type::histogram);
  }
  config.default_histogram_aggregation = Aggregation::exponential_histogram;
  Rig rig(config);
  InstrumentOptions explicit_asked;
  explicit_asked.aggregation = Aggregation::explicit_histogram;
  rig.meter.histogram<double>("h").record(1);
  rig.meter.histogram<std::int64_t>("hb").bind({}).record(std::int64_t{4});
  rig.meter.histogram<double>("explicit", explicit_asked).record(1);
  rig.meter.counter<std::int64_t>("c").add(1);  // other kinds keep their own default
  const MetricsRead r = rig.collect();
  EXPECT_EQ(r.find("h")->type, MetricRead::Type::exponential_histogram);
  expect_point_is(point(r.find("h"), {}), reference_of({1}));
  expect_point_is(point(r.find("hb"), {}), reference_of({4}));
  EXPECT_EQ(r.find("explicit")->type, MetricRead::Type::histogram);
  EXPECT_EQ(r.find("c")->type, MetricRead::Type::sum);
}

TEST(Metrics, MetersAndInstrumentsAreFoundAgain) {
  Rig rig;
  rig.meter.counter<std::int64_t>("Requests").add(1);
  rig.provider.meter("shop", "1.2.0").counter<std::int64_t>("requests").add(2);  // names ignore case
  rig.provider.meter("shop", "2.0").counter<std::int64_t>("requests").add(4);
  rig.provider.meter("idle");  // a meter with nothing to report writes no ScopeMetrics
  rig.meter.counter<double>("requests").add(8.0);  // another number type: another instrument
  const MetricsRead r = rig.collect();
  EXPECT_EQ(r.scopes, 2u);
  ASSERT_EQ(r.metrics.size(), 3u);
  EXPECT_EQ(r.metrics[0].points.at(0).as_int, 3);
  EXPECT_EQ(r.metrics[1].points.at(0).as_double, 8.0);
  EXPECT_EQ(r.metrics[2].scope_version, "2.0");
  EXPECT_EQ(r.metrics[2].points.at(0).as_int, 4);
}

TEST(Metrics, PeriodicReaderFlushAndShutdown) {
  Rig rig;
  const std::uint64_t start = rig.clock.now;
  EXPECT_EQ(rig.provider.next_collection(), start + 60 * kSec);  // OTEL_METRIC_EXPORT_INTERVAL's default
  auto c = rig.meter.counter<std::int64_t>("c");
  c.add(1);
  EXPECT_EQ(rig.engine.next_deadline(), start + 60 * kSec);  // the engine wakes its host for it
  rig.clock.now = start + 60 * kSec - 1;
  EXPECT_EQ(rig.host.poll(), 0u);
  rig.clock.now = start + 60 * kSec;
  EXPECT_EQ(rig.host.poll(), 1u);  // the engine had the provider collect
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.provider.next_collection(), start + 120 * kSec);
  rig.clock.now = start + 70 * kSec;
  const std::uint64_t ticket = rig.provider.force_flush(rig.clock.now, kSec);
  EXPECT_EQ(rig.host.poll(), 1u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::done);
  EXPECT_EQ(rig.provider.next_collection(), start + 130 * kSec);
  c.add(1);
  rig.provider.shutdown(rig.clock.now, kSec);  // one last collection
  EXPECT_EQ(rig.host.poll(), 1u);
  MetricsRead last;
  ASSERT_TRUE(testing::read_metrics(rig.host.in_flight.back().body, last));
  EXPECT_EQ(last.find("c")->points.at(0).as_int, 2);
  rig.host.answer(Outcome::ok());
  c.add(1);
  EXPECT_EQ(rig.provider.collect(rig.clock.now + kSec), 0u);
  EXPECT_EQ(rig.provider.next_collection(), UINT64_MAX);
  rig.clock.now += 1000 * kSec;
  EXPECT_EQ(rig.host.poll(), 0u);
  EXPECT_TRUE(rig.engine.is_shut_down());
  EXPECT_EQ(rig.engine.stats().exported, 3u);
}

TEST(Metrics, EngineCountsDataPoints) {
  Rig rig(provider_config(TemporalityPreference::delta));
  auto c = rig.meter.counter<std::int64_t>("c");
  auto h = rig.meter.histogram<double>("h");
  std::uint64_t emitted = 0;
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i <= round; ++i) {
      c.add(1, {{"i", i}});
      h.record(i, {{"i", i}});
    }
    rig.clock.now += kSec;
    emitted += rig.provider.collect(rig.clock.now);
    rig.host.poll();
    // Accepted, refused in part, failed for good, and one left in flight.
    if (round == 1) rig.host.answer(Outcome::partial_ok(2, "too old"));
    if (round == 2) rig.host.answer(Outcome::http(400));
    if (round < 5 && !rig.host.in_flight.empty()) rig.host.answer(Outcome::ok());
    const Stats s = rig.engine.stats();
    EXPECT_TRUE(testing::balanced(s)) << round;
    EXPECT_EQ(s.ended, emitted);
  }
  const Stats s = rig.engine.stats();
  EXPECT_EQ(emitted, 2u * (1 + 2 + 3 + 4 + 5 + 6));
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.failed, 6u);
  EXPECT_EQ(s.queued, 12u);
  EXPECT_EQ(s.exported, emitted - 2 - 6 - 12);
}

}  // namespace
}  // namespace otlp
