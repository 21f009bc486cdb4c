using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Web.Tests.Operations;

/// <summary>One log entry as a provider saw it: category, message and the properties of every scope around it.</summary>
public sealed record CapturedLogEntry(string Category, LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> ScopeProperties)
{
    public object? Scope(string key) => ScopeProperties.LastOrDefault(p => p.Key == key).Value;
}

/// <summary>
/// A logger provider that keeps every entry in memory together with its scopes (it takes the host's external scope
/// provider, as the console provider does), so tests can see what a structured log would carry.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new List<KeyValuePair<string, object?>>();
            provider._scopes.ForEachScope(
                (scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                    {
                        list.AddRange(pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)));
                    }
                },
                properties);
            provider._entries.Enqueue(new CapturedLogEntry(category, logLevel, formatter(state, exception), properties));
        }
    }
}
