-- 建设性质 of a project: new, continued or expansion (新建 / 续建 / 改扩建); unknown for
-- projects entered before it was asked.
ALTER TABLE projects ADD COLUMN construction TEXT;
