-- expect: utf8_metric_name.lua:2: metric name
metric("lat\xe9ncy", 1)
