namespace BlazorMood.Web.Tests.Operations;

/// <summary>
/// Runs the operations tests with no other test host alive in the process. OpenTelemetry listens to meters by name,
/// and several hosts in one process each create a "BlazorMood" meter: a scrape could then read another host's
/// (or a disposed host's) instruments. A deployed process has one host, so this only concerns the test run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OperationsCollection
{
    public const string Name = "Operations (no other host in the process)";
}
