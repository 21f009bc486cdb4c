using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BlazorMood.Web.Tests.Accounts;

/// <summary>
/// A browser without JavaScript: a real cookie container, no automatic redirects, and the app's HTML forms filled in
/// as a person would (hidden fields such as the antiforgery token come from the page that shows the form).
/// </summary>
public sealed class BrowserSession : IDisposable
{
    public const string AntiforgeryField = "__RequestVerificationToken";

    private static readonly HtmlParser Parser = new();

    public BrowserSession(WebApplicationFactory<Program> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        // Only the cookies this session collects: none of the factory's default credentials.
        Client.DefaultRequestHeaders.Authorization = null;
    }

    /// <summary>A session over <paramref name="client"/> (a real socket: it should keep cookies and not follow redirects).</summary>
    public BrowserSession(HttpClient client)
    {
        Client = client ?? throw new ArgumentNullException(nameof(client));
    }

    public HttpClient Client { get; }

    /// <summary>
    /// Opens <paramref name="path"/>, fills the form whose handler is <paramref name="handler"/> (fields found by their
    /// <c>data-testid</c>) and posts it back to the same address.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string handler, IReadOnlyDictionary<string, string> fieldsByTestId, bool withAntiforgery = true)
    {
        ArgumentNullException.ThrowIfNull(fieldsByTestId);
        var page = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var document = await Parser.ParseDocumentAsync(await page.Content.ReadAsStringAsync());
        var form = document.QuerySelectorAll("form")
            .FirstOrDefault(f => f.QuerySelectorAll("input[name=_handler]").Any(i => i.GetAttribute("value") == handler));
        Assert.True(form is not null, $"{path} has no form '{handler}'");
        var fields = form.QuerySelectorAll("input[type=hidden]")
            .Where(i => i.GetAttribute("name") is { Length: > 0 })
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        Assert.True(fields.ContainsKey(AntiforgeryField), $"the form '{handler}' carries no antiforgery token");
        if (!withAntiforgery)
        {
            fields.Remove(AntiforgeryField);
        }
        foreach (var (testId, value) in fieldsByTestId)
        {
            var input = form.QuerySelector($"[data-testid='{testId}']");
            Assert.True(input?.GetAttribute("name") is { Length: > 0 }, $"no named field '{testId}' in the form '{handler}'");
            fields[input!.GetAttribute("name")!] = value;
        }
        using var body = new FormUrlEncodedContent(fields);
        return await Client.PostAsync(path, body);
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password, string path = "/account/login") =>
        SubmitAsync(path, "login", new Dictionary<string, string> { ["login-email"] = email, ["login-password"] = password });

    public async Task<HttpResponseMessage> SignInAsync(TestAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var response = await SignInAsync(account.Email, account.Password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"signing in {account.Email}: {(int)response.StatusCode}");
        return response;
    }

    public Task<HttpResponseMessage> RegisterAsync(string email, string password, string? confirm = null, string path = "/account/register") =>
        SubmitAsync(path, "register", new Dictionary<string, string>
        {
            ["register-email"] = email,
            ["register-password"] = password,
            ["register-confirm"] = confirm ?? password,
        });

    public Task<HttpResponseMessage> SignOutAsync() => SubmitAsync("/account/logout", "logout", new Dictionary<string, string>());

    public void Dispose() => Client.Dispose();
}
