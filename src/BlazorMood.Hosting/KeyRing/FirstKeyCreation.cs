using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace BlazorMood.Hosting.KeyRing;

/// <summary>
/// Creates the key ring's first key under a lock file in the shared folder, before anything else at start-up can.
/// Data Protection activates a ring's first key at once, so two nodes that start together on an empty folder (compose
/// starts web1 and web2 at the same moment) would each create and use their own key; a cookie one node issued would
/// then be rejected by the other once its two-minute refresh-on-miss window has passed, until its daily refresh.
/// Later keys are safe without this: Data Protection creates them two days before they are used.
/// </summary>
/// <remarks>
/// <see cref="StartingAsync"/> runs before any hosted service's <c>StartAsync</c>, including Data Protection's own,
/// which loads (and would otherwise create) the ring. The lock is an exclusive open of a file, which .NET takes as
/// an advisory <c>flock</c> on Linux: it holds between processes and containers sharing the folder on one host.
/// </remarks>
internal sealed partial class FirstKeyCreation(
    IKeyManager keys,
    IOptions<KeyManagementOptions> keyManagement,
    string folder,
    TimeProvider time,
    ILogger<FirstKeyCreation> logger) : IHostedLifecycleService
{
    /// <summary>The lock file's name in the key folder (Data Protection reads only <c>*.xml</c> there).</summary>
    public const string LockFileName = ".first-key.lock";

    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await using var held = await LockAsync(Path.Combine(folder, LockFileName), cancellationToken);
        var now = time.GetUtcNow();
        var usable = keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now);
        if (usable)
        {
            return;
        }
        var key = keys.CreateNewKey(now, now + keyManagement.Value.NewKeyLifetime);
        LogFirstKey(key.KeyId, folder);
    }

    private async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var waited = time.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (time.GetElapsedTime(waited) < LockWait)
            {
                // Another node holds it for the moment it takes to read the folder and write one key.
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first Data Protection key {KeyId} in {Folder}")]
    private partial void LogFirstKey(Guid keyId, string folder);
}
