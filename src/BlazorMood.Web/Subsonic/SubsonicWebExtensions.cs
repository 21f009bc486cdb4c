using System.Net.Http.Headers;
using BlazorMood.Data.Music;
using BlazorMood.Web.Hosting;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Subsonic;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Subsonic;

/// <summary>Where the Subsonic server list is kept (bound from <c>Music:Subsonic</c>).</summary>
public sealed class SubsonicWebOptions
{
    public const string SectionName = "Music:Subsonic";

    /// <summary>The JSON file of configured servers, relative to the content root; passwords in it are Data Protection ciphertext.</summary>
    public string ServersPath { get; set; } = "data/subsonic-servers.json";

    /// <summary>Longest wait for a Subsonic server's answer (streams: for the headers).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Protects Subsonic passwords with the host's Data Protection key ring (the keys the sign-in cookies use).</summary>
public sealed class DataProtectionSubsonicSecretProtector(IDataProtectionProvider provider) : ISubsonicSecretProtector
{
    // The purpose string isolates these ciphertexts: no other protector of the app can read them, nor they its.
    private readonly IDataProtector _protector = provider.CreateProtector("BlazorMood.Subsonic.ServerPassword.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}

/// <summary>The Subsonic source in the web host: the server list, the client, and the browse/stream/cover API.</summary>
public static class SubsonicWebExtensions
{
    public const string BasePath = "/api/subsonic";


    public static IServiceCollection AddSubsonicSource(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SubsonicWebOptions>()
            .Bind(configuration.GetSection(SubsonicWebOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ServersPath) && o.Timeout > TimeSpan.Zero, "Music:Subsonic: ServersPath must be set and Timeout > 0.")
            .ValidateOnStart();
        services.AddSingleton<ISubsonicSecretProtector, DataProtectionSubsonicSecretProtector>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SubsonicWebOptions>>().Value;
            var path = Path.GetFullPath(o.ServersPath, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new SubsonicServerStore(path, sp.GetRequiredService<ISubsonicSecretProtector>());
        });
        services.AddHttpClient<SubsonicClient>((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<SubsonicWebOptions>>().Value.Timeout);
        services.AddSingleton(sp => new SubsonicTrackAnalyzer(sp.GetRequiredService<SubsonicClient>(), sp.GetRequiredService<AudioAnalyzer>(),
            sp.GetRequiredService<ILogger<SubsonicTrackAnalyzer>>()));
        services.AddSubsonicLibrarySync(configuration);
        return services;
    }

    public sealed record AddServerRequest(string Name, string BaseUrl, string Username, string Password);

    public static IEndpointRouteBuilder MapSubsonicApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup(BasePath).RequireAuthorization(Policies.Admin).DisableAntiforgery().WithTags("Subsonic");
        admin.MapGet("/servers", async (SubsonicServerStore store, CancellationToken ct) =>
            Results.Ok((await store.ListAsync(ct)).Select(s => new { s.Id, s.Name, s.BaseUrl, s.Username })));
        admin.MapPost("/servers", AddFromBodyAsync).Accepts<AddServerRequest>("application/json");
        admin.MapDelete("/servers/{id}", async (string id, SubsonicServerStore store, SubsonicLibrarySync sync, CancellationToken ct) =>
        {
            if (!await store.RemoveAsync(id, ct))
            {
                return Results.NotFound();
            }
            await sync.ForgetAsync(id, ct);
            return Results.NoContent();
        });
        // Sync now: queued (202) and read back from the status, since a large server takes minutes to tag.
        admin.MapPost("/servers/{id}/sync", async (string id, SubsonicServerStore store, SubsonicLibrarySync sync, CancellationToken ct) =>
        {
            if ((await store.ListAsync(ct)).All(s => s.Id != id))
            {
                return Results.Problem(title: "No such Subsonic server", statusCode: StatusCodes.Status404NotFound);
            }
            return sync.Request(id)
                ? Results.Accepted($"{BasePath}/servers/{id}/sync", sync.Status(id))
                : Results.Problem(title: "Sync queue full", detail: sync.Status(id)?.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        admin.MapGet("/servers/{id}/sync", async (string id, SubsonicServerStore store, SubsonicLibrarySync sync, CancellationToken ct) =>
        {
            if ((await store.ListAsync(ct)).All(s => s.Id != id))
            {
                return Results.Problem(title: "No such Subsonic server", statusCode: StatusCodes.Status404NotFound);
            }
            return Results.Ok(sync.Status(id) ?? new SubsonicSyncStatus(id, SubsonicSyncState.Done, 0, 0, 0, 0, 0, "Not synced since the app started.", DateTimeOffset.UtcNow));
        });

        var users = endpoints.MapGroup(BasePath).RequireAuthorization(Policies.User).WithTags("Subsonic");
        users.MapGet("/servers/{id}/albums", async (string id, int? offset, SubsonicServerStore store, SubsonicClient client, CancellationToken ct) =>
            await WithServerAsync(id, store, async c => Results.Ok(await client.GetAlbumsAsync(c, 100, Math.Max(0, offset ?? 0), ct)), ct));
        users.MapGet("/servers/{id}/albums/{albumId}", async (string id, string albumId, SubsonicServerStore store, SubsonicClient client, CancellationToken ct) =>
            await WithServerAsync(id, store, async c =>
            {
                var (album, songs) = await client.GetAlbumAsync(c, albumId, ct);
                return Results.Ok(new { album, songs });
            }, ct));
        users.MapGet("/servers/{id}/songs/{songId}/stream", StreamAsync);
        users.MapGet("/servers/{id}/cover/{coverId}", async (string id, string coverId, int? size, HttpContext http, SubsonicServerStore store, SubsonicClient client, CancellationToken ct) =>
            await WithServerAsync(id, store, async c =>
            {
                using var response = await client.OpenCoverArtAsync(c, coverId, size is > 0 and <= 1024 ? size : null, ct);
                await CopyAsync(response, http, ct);
                return Results.Empty;
            }, ct));
        return endpoints;
    }

    /// <summary>Reads the body as every JSON endpoint does (<see cref="JsonRequestBody"/>), then adds the server.</summary>
    private static async Task<IResult> AddFromBodyAsync(HttpContext http, SubsonicServerStore store, SubsonicClient client, SubsonicLibrarySync sync, CancellationToken ct)
    {
        var (request, problem) = await JsonRequestBody.ReadAsync<AddServerRequest>(http, ct);
        return problem ?? await AddAsync(request!, store, client, sync, ct);
    }

    /// <summary>Tests the server (ping with these credentials) before anything is stored, so a typo is reported, not saved.</summary>
    internal static async Task<IResult> AddAsync(AddServerRequest request, SubsonicServerStore store, SubsonicClient client, SubsonicLibrarySync sync, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password)
            || !Uri.TryCreate(request.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return Results.Problem(title: "Invalid server", detail: "Give a name, an http:// or https:// address, a user name and a password.", statusCode: StatusCodes.Status400BadRequest);
        }
        try
        {
            var info = await client.PingAsync(new SubsonicConnection(url, request.Username, request.Password), ct);
            var record = await store.AddAsync(request.Name, url, request.Username, request.Password, ct);
            // Its songs join the library and get tagged in the background; the status endpoint follows it.
            sync.Request(record.Id);
            return Results.Created($"{BasePath}/servers/{record.Id}", new { record.Id, record.Name, record.BaseUrl, record.Username, info.ApiVersion, AuthMode = info.AuthMode.ToString() });
        }
        catch (SubsonicException ex)
        {
            return Problem(ex);
        }
    }

    /// <summary>Proxies a song's audio, passing the browser's Range header through and the server's 206/Content-Range back.</summary>
    internal static async Task<IResult> StreamAsync(string id, string songId, HttpContext http, SubsonicServerStore store, SubsonicClient client,
        SubsonicTrackCatalog catalog, CancellationToken ct)
    {
        RangeHeaderValue? range = null;
        if (http.Request.Headers.Range.ToString() is { Length: > 0 } header && !RangeHeaderValue.TryParse(header, out range))
        {
            return Results.StatusCode(StatusCodes.Status416RangeNotSatisfiable);
        }
        return await WithServerAsync(id, store, async c =>
        {
            HttpResponseMessage response;
            try
            {
                response = await client.OpenStreamAsync(c, songId, range, ct);
            }
            catch (SubsonicException ex) when (ex.Failure == SubsonicFailure.Unreachable)
            {
                // Before the player hears of it: when it asks for the next track, this server's songs are left out.
                catalog.MarkUnreachable(id);
                throw;
            }
            using (response)
            {
                catalog.MarkReachable(id);
                await CopyAsync(response, http, ct);
            }
            return Results.Empty;
        }, ct);
    }

    private static async Task CopyAsync(HttpResponseMessage response, HttpContext http, CancellationToken ct)
    {
        http.Response.StatusCode = (int)response.StatusCode;
        var headers = response.Content.Headers;
        http.Response.ContentType = headers.ContentType?.ToString() ?? "application/octet-stream";
        if (headers.ContentLength is { } length)
        {
            http.Response.ContentLength = length;
        }
        if (headers.ContentRange is { } contentRange)
        {
            http.Response.Headers.ContentRange = contentRange.ToString();
        }
        http.Response.Headers.AcceptRanges = "bytes";
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(http.Response.Body, ct);
    }

    private static async Task<IResult> WithServerAsync(string id, SubsonicServerStore store, Func<SubsonicConnection, Task<IResult>> action, CancellationToken ct)
    {
        SubsonicConnection? connection;
        try
        {
            connection = await store.ConnectionAsync(id, ct);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return Results.Problem(title: "Server password unreadable",
                detail: "The stored password cannot be decrypted with this app's keys (were the Data Protection keys replaced?). Remove the server and add it again.",
                statusCode: StatusCodes.Status500InternalServerError);
        }
        if (connection is null)
        {
            return Results.Problem(title: "No such Subsonic server", statusCode: StatusCodes.Status404NotFound);
        }
        try
        {
            return await action(connection);
        }
        catch (SubsonicException ex)
        {
            return Problem(ex);
        }
    }

    private static IResult Problem(SubsonicException ex) => ex.Failure switch
    {
        SubsonicFailure.WrongCredentials => Results.Problem(title: "Wrong user name or password", detail: ex.Message, statusCode: StatusCodes.Status502BadGateway),
        SubsonicFailure.Unreachable => Results.Problem(title: "Subsonic server unreachable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable),
        SubsonicFailure.NotFound => Results.Problem(title: "Not found on the Subsonic server", detail: ex.Message, statusCode: StatusCodes.Status404NotFound),
        _ => Results.Problem(title: "Subsonic server error", detail: ex.Message, statusCode: StatusCodes.Status502BadGateway),
    };
}
