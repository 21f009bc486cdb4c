using System.Text.Json;

namespace BlazorMood.Music.Subsonic;

/// <summary>
/// Encrypts and decrypts a server's password for storage. The web host implements it with ASP.NET Core Data
/// Protection (keys kept with the host's other keys); the domain never sees a key or the protected format.
/// </summary>
public interface ISubsonicSecretProtector
{
    string Protect(string secret);

    /// <summary>Throws <see cref="System.Security.Cryptography.CryptographicException"/> when the text was not protected by these keys.</summary>
    string Unprotect(string protectedSecret);
}

/// <summary>A configured server as stored: the password only in protected form.</summary>
public sealed record SubsonicServerRecord(string Id, string Name, string BaseUrl, string Username, string ProtectedPassword);

/// <summary>
/// The Subsonic servers an admin added, in one JSON file (written atomically: a temp file then a rename), passwords
/// protected by <see cref="ISubsonicSecretProtector"/>. Small and rarely written, so every change rewrites the file.
/// </summary>
public sealed class SubsonicServerStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string _path;
    private readonly ISubsonicSecretProtector _protector;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SubsonicServerStore(string path, ISubsonicSecretProtector protector)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _protector = protector;
    }

    public async Task<IReadOnlyList<SubsonicServerRecord>> ListAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return [];
        }
        await using var stream = File.OpenRead(_path);
        return await JsonSerializer.DeserializeAsync<List<SubsonicServerRecord>>(stream, Json, cancellationToken) ?? [];
    }

    /// <summary>Adds a server; the password is protected before it touches the disk.</summary>
    public async Task<SubsonicServerRecord> AddAsync(string name, Uri baseUrl, string username, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (baseUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("A Subsonic server address starts with http:// or https://.", nameof(baseUrl));
        }
        var record = new SubsonicServerRecord(Guid.NewGuid().ToString("N")[..12], name.Trim(), baseUrl.AbsoluteUri, username.Trim(), _protector.Protect(password));
        await UpdateAsync(list => [.. list, record], cancellationToken);
        return record;
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        var removed = false;
        await UpdateAsync(list =>
        {
            removed = list.Any(s => s.Id == id);
            return list.Where(s => s.Id != id).ToList();
        }, cancellationToken);
        return removed;
    }

    /// <summary>The connection for a stored server, password decrypted; null when no such server.</summary>
    public async Task<SubsonicConnection?> ConnectionAsync(string id, CancellationToken cancellationToken)
    {
        var record = (await ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == id);
        return record is null ? null : new SubsonicConnection(new Uri(record.BaseUrl), record.Username, _protector.Unprotect(record.ProtectedPassword));
    }

    private async Task UpdateAsync(Func<IReadOnlyList<SubsonicServerRecord>, IReadOnlyList<SubsonicServerRecord>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var next = change(await ListAsync(cancellationToken));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            var tmp = _path + ".tmp";
            await using (var stream = File.Create(tmp))
            {
                await JsonSerializer.SerializeAsync(stream, next, Json, cancellationToken);
            }
            File.Move(tmp, _path, overwrite: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
