-- A wrong solution for the ABD lab: reads skip the write-back phase and
-- return the highest value their query phase saw. A read that sees a write
-- in progress on one server returns the new value; a later read that asks
-- the other two still gets the old one (a new-old inversion). The grader
-- fails it with `write_back` (and, when the inversion happens, with
-- `linearizable`).
return include("_reference_abd.lua").build("no_write_back")
