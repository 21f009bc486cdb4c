using System.Net.Http.Headers;
using BlazorMood.Data.Music;
using BlazorMood.Web.Hosting;
using BlazorMood.Hosting.Subsonic;
using BlazorMood.Music.Subsonic;
using BlazorMood.Web.Accounts;

namespace BlazorMood.Web.Subsonic;

/// <summary>The Subsonic source in the web host: the server list, the client, and the browse/stream/cover API.</summary>
public static class SubsonicWebExtensions
{
    public const string BasePath = "/api/subsonic";


    /// <summary>
    /// The Subsonic servers (<see cref="SubsonicServiceCollectionExtensions.AddSubsonicServers"/>, shared with the
    /// worker host). This node queues syncs; it also runs them only in role <c>all</c> (Program registers the workers).
    /// </summary>
    public static IServiceCollection AddSubsonicSource(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSubsonicServers(configuration);

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
            // Stops its sync on whichever node runs it (through the stored status, see ForgetAsync).
            await sync.ForgetAsync(id, ct);
            return Results.NoContent();
        });
        // Sync now: queued in the job engine (202) and read back from the stored status, since a large server takes
        // minutes to tag; a sync that already waits or runs is not queued twice.
        admin.MapPost("/servers/{id}/sync", async (string id, SubsonicServerStore store, SubsonicLibrarySync sync, CancellationToken ct) =>
        {
            if ((await store.ListAsync(ct)).All(s => s.Id != id))
            {
                return Results.Problem(title: "No such Subsonic server", statusCode: StatusCodes.Status404NotFound);
            }
            return Results.Accepted($"{BasePath}/servers/{id}/sync", await sync.RequestAsync(id, ct));
        });
        admin.MapGet("/servers/{id}/sync", async (string id, SubsonicServerStore store, SubsonicLibrarySync sync, CancellationToken ct) =>
        {
            if ((await store.ListAsync(ct)).All(s => s.Id != id))
            {
                return Results.Problem(title: "No such Subsonic server", statusCode: StatusCodes.Status404NotFound);
            }
            return Results.Ok(await sync.StatusAsync(id, ct) ?? new SubsonicSyncStatus(id, SubsonicSyncState.Done, 0, 0, 0, 0, 0, "Not synced yet.", DateTimeOffset.UtcNow));
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
            await sync.RequestAsync(record.Id, ct);
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
