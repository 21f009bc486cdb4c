// Every test here opens a real database (SQLite files, and PostgreSQL where one is configured): none is a unit test.
[assembly: Xunit.AssemblyTrait("Category", "Integration")]
[assembly: Xunit.AssemblyTrait("Category", "Database")]
