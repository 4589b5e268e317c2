-- Shared pieces of the HDFS scenarios (hdfs_*.lua). Returns a table:
--   cluster{ racks =, per_rack =, namenode = {params}, datanode = {params} }
--       adds the NameNode "nn" and racks × per_rack DataNodes named
--       "r<rack>n<i>" (racks numbered from 1), each with `datanode`'s
--       params plus namenode = "nn" and its rack; returns { nn = "nn",
--       dns = { names... }, rack = { [1] = { names... }, ... } }
--   writers{ count =, files =, params = {} }
--       adds `count` hdfs.client nodes "w1".. that together write files
--       0 .. files-1 (split evenly, each writer one file after another)
--       from the start; returns their names
--   readers{ count =, files =, params = {}, workload = {} }
--       adds hdfs.client nodes "reader1".. reading random files in
--       [0, files) with the workload options given (think, timeout, start,
--       stop); returns their names
local M = {}

local function merged(...)
  local p = {}
  for _, t in ipairs({ ... }) do
    for k, v in pairs(t) do p[k] = v end -- pairs() is sorted in the sandbox
  end
  return p
end

function M.cluster(spec)
  local c = { nn = "nn", dns = {}, rack = {} }
  node("nn", "hdfs.namenode", spec.namenode or {})
  for r = 1, spec.racks do
    c.rack[r] = {}
    for i = 1, spec.per_rack do
      local name = "r" .. r .. "n" .. i
      node(name, "hdfs.datanode", merged(spec.datanode or {}, { namenode = "nn", rack = r }))
      c.dns[#c.dns + 1] = name
      c.rack[r][#c.rack[r] + 1] = name
    end
  end
  return c
end

function M.writers(spec)
  local names = {}
  local per = spec.files // spec.count
  for i = 1, spec.count do
    local first = (i - 1) * per
    local n = (i == spec.count) and (spec.files - first) or per
    names[i] = node("w" .. i, "hdfs.client", merged(spec.params or {}, { namenode = "nn", files = n, first_file = first }))
  end
  return names
end

function M.readers(spec)
  return clients { count = spec.count, prefix = "reader", model = "hdfs.client",
                   params = merged(spec.params or {}, { namenode = "nn" }),
                   workload = merged({ ops = { "read" }, keys = spec.files }, spec.workload or {}) }
end

return M
