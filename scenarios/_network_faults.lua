-- The network faults of lock_network_faults.lua and txn_network_faults.lua,
-- one at a time or all together: include("_network_faults.lua")(fault,
-- prob) returns the options for network{}.
--   none     1-5 ms, FIFO links
--   loss     a share `prob` of messages lost
--   dup      a share `prob` of messages delivered twice (each copy with its
--            own latency); `duplicate`, _kv_faults.lua's word, is the same
--   reorder  non-FIFO links, 1-40 ms: messages overtake each other
--   delay    FIFO links, latency exponential with mean 30 ms (a tail past
--            the models' 50-100 ms timeouts)
--   all      loss, duplication, reordering and the delay together
return function(fault, prob)
  local links = {
    none = { latency = "uniform:1ms,5ms", fifo = true },
    loss = { latency = "uniform:1ms,5ms", fifo = true, loss = prob },
    dup = { latency = "uniform:1ms,5ms", fifo = true, duplicate = prob },
    reorder = { latency = "uniform:1ms,40ms", fifo = false },
    delay = { latency = "exp:30ms,1ms", fifo = true },
    all = { latency = "exp:30ms,1ms", fifo = false, loss = prob, duplicate = prob },
  }
  links.duplicate = links.dup
  if not links[fault] then error("fault must be none, loss, dup (or duplicate), reorder, delay or all", 2) end
  return links[fault]
end
