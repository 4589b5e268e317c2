-- Samples for docs/measure/metrics_histogram_error.sh: 100,000 values
-- spread evenly on a log scale over 12 decades (sample i is
-- 10^(-6 + 12 i / n)), so every bucket width matters and the exact
-- nearest-rank quantile is known in closed form.
scenario { name = "histogram_samples", duration = "1s" }
local n = 100000
for i = 1, n do sample("x", 10 ^ (-6 + 12 * i / n)) end
