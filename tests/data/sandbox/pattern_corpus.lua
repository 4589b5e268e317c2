-- Runs string.find, match, gmatch and gsub over a corpus of patterns and
-- subjects and returns every result (or error message) as one string.
-- tests/test_sandbox.c runs it in the sandbox and in a stock Lua state:
-- the two strings must be equal. Deterministic: no pairs(), no addresses.
local out = {}
local function put(...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do
    local v = select(i, ...)
    parts[i] = type(v) == 'string' and string.format('%q', v) or tostring(v)
  end
  out[#out + 1] = table.concat(parts, ',')
end
local function try(f, ...)
  local r = table.pack(pcall(f, ...))
  put(table.unpack(r, 1, r.n))
end

local cases = {
  { 'hello world', 'o' }, { 'hello world', 'o', 6 }, { 'hello world', 'l+' },
  { 'hello world', '(h)(e)' }, { 'hello world', '()ll()' }, { 'hello', '' },
  { 'hello', '', 10 }, { 'hello', 'l', -2 }, { 'hello', 'x*' }, { '', '' },
  { '', 'a*' }, { 'aaa', 'a-b' }, { 'aaab', 'a-b' }, { 'aaab', '^a-b$' },
  { 'key = value', '(%w+)%s*=%s*(%w+)' }, { '  trim  ', '^%s*(.-)%s*$' },
  { 'THE (quick) fox', '%((%a+)%)' }, { 'f(a(b)c)d', '%b()' }, { 'f(a(b c)d', '%b()' },
  { 'THE (quick) fox', '%f[%a]%a+' }, { 'hello', '%f[%l]' }, { 'abc', '[a-c]+' },
  { 'abc-d', '[%w-]+' }, { 'a]b', '[]]' }, { 'a^b', '[%^]' }, { 'a^b', '[^a]' },
  { 'x=1, y=2', '(%w)=(%d)' }, { 'abcabc', '(abc)%1' }, { 'abab', '(a)(b)%2' },
  { 'hello.world', '.', 1, true }, { 'a.b', '%.' }, { 'a+b', 'a+b', 1, true },
  { '\0a\0', '%z' }, { 'a\0b', 'a%zb' }, { '\0', '[%z]' }, { 'αβγ', '[\128-\255]+' },
  { 'date: 2024-01-31', '(%d+)-(%d+)-(%d+)' }, { 'aXb', '%u' }, { 'a1_b', '[%p]' },
  { '\t\n ', '%s+' }, { 'ff0A', '^%x+$' }, { 'abc', 'b?c' }, { 'ac', 'ab?c' },
  { 'abc', 'a.-c' }, { 'abc', 'a.*' }, { 'abc', '.-$' }, { 'a$b', 'a$b' }, { 'ab', 'b$' },
  { 'ab', '^$' }, { 'x', '%' }, { 'x', '[a' }, { 'x', '[a%' }, { 'x', '(x' }, { 'x', 'x)' },
  { 'x', '%1' }, { 'x', '(x)%2' }, { 'x', '%b' }, { 'x', '%bx' }, { 'x', '%f' }, { 'x', '%fx' },
  { 'x', '%g' }, { 'x', '%0' }, { 'xx', '(()x)' }, { 'hello', '[^%s]+' }, { 'a-b', '[a%-]+' },
  { 'a-z', '[a-]' }, { 'b', '[-b]' }, { 'abc', '[%a-z]' }, { 'ABC', '%A' }, { '123', '%D*' },
}
for _, c in ipairs(cases) do
  try(string.find, c[1], c[2], c[3], c[4])
  try(string.match, c[1], c[2], c[3])
  try(string.gsub, c[1], c[2], '<%0>')
  try(function()
    local got = {}
    for a, b in string.gmatch(c[1], c[2], c[3]) do got[#got + 1] = tostring(a) .. '|' .. tostring(b) end
    return table.concat(got, ';')
  end)
end

-- Replacements of every kind, and the errors they can raise.
local s = 'hello world from Lua'
try(string.gsub, s, '(%w+)', '%1 %1')
try(string.gsub, s, '%w+', '%0 %0', 1)
try(string.gsub, s, '(%w+)%s*(%w+)', '%2 %1')
try(string.gsub, s, '%w+', '%%')
try(string.gsub, s, '%w+', '%')
try(string.gsub, s, '%w+', '%x')
try(string.gsub, s, '%w+', '%2')
try(string.gsub, s, '()%w+', '%1')
try(string.gsub, s, '%w+', { hello = 'HI', Lua = false })
try(string.gsub, s, '%w+', { hello = {} })
try(string.gsub, s, '%w+', function(w) if #w > 4 then return w:upper() end end)
try(string.gsub, s, '(%w+)', function(w) return 1.5 end)
try(string.gsub, s, '', '-')
try(string.gsub, s, 'o*', 'X')
try(string.gsub, s, '^h', 'H')
try(string.gsub, s, 'o', 'O', 0)
try(string.gsub, s, 'o', 'O', -1)
try(string.gsub, s, 'o', true)
try(string.gsub, 'abc', '%w', '%1')
try(string.gsub, 'abc', '(%w)(%w)', '[%2%1]')
try(string.find, s, 'o', 100)
try(string.find, s, 'o', -100)
try(string.find, s, 'Lua', -3)
try(string.match, s, '()(o)()', 6)
try(function() local r = {} for k, v in string.gmatch('a=1, b=2', '(%w+)=(%w+)') do r[#r + 1] = k .. v end return table.concat(r) end)
try(function() local r = {} for w in string.gmatch('one two', '%a*') do r[#r + 1] = '[' .. w .. ']' end return table.concat(r) end)
try(function() local r = {} for w in string.gmatch('abc', '^a') do r[#r + 1] = w end return table.concat(r) end)
try(function() local r = {} for w in string.gmatch('abcabc', 'b', 4) do r[#r + 1] = w end return #r end)
try(string.rep, 'ab', 3, ',')
try(string.find, ('a'):rep(300), ('a?'):rep(300) .. ('a'):rep(300))
try(string.match, ('('):rep(40), ('%('):rep(33))
try(string.match, 'x', ('(x?)'):rep(33))

-- Random patterns from a small alphabet over short subjects: a seeded
-- generator of our own, so both states see the same corpus.
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end
local atoms = { 'a', 'b', '.', '%a', '%d', '%s', '%w', '%p', '[ab]', '[^a]', '[a-c]', '(', ')', '()',
                '*', '+', '-', '?', '^', '$', '%b()', '%f[%w]', '%1', '%', '[', ']', '1', ' ', '%A' }
local letters = { 'a', 'b', 'c', '1', ' ', '(', ')', '.', '%', 'A' }
for _ = 1, 3000 do
  local p, subject = {}, {}
  for i = 1, rand(7) do p[i] = atoms[rand(#atoms)] end
  for i = 1, rand(12) - 1 do subject[i] = letters[rand(#letters)] end
  p, subject = table.concat(p), table.concat(subject)
  try(string.find, subject, p)
  try(string.match, subject, p, rand(4) - 2)
  try(string.gsub, subject, p, '<%0>', rand(3))
end
return table.concat(out, '\n')
