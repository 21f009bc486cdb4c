using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using BlazorMood.Accounts;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Api;

namespace BlazorMood.Web.Tests.Accounts;

public sealed class RequestOwnerTests
{
    private static ClaimsPrincipal SignedIn(string id, string scheme = "Identity.Application") =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, "someone@example.org")], scheme));

    [Fact]
    public void The_owner_is_the_signed_in_accounts_id_whichever_scheme_signed_it_in()
    {
        var cookie = new DefaultHttpContext { User = SignedIn("user-1") };
        var token = new DefaultHttpContext { User = SignedIn("user-1", "ApiToken") };

        Assert.Equal("user-1", RequestOwner.ForRequest(cookie));
        Assert.Equal("user-1", RequestOwner.ForRequest(token));
        Assert.Equal("user-1", OwnerIdentity.Of(cookie.User));
    }

    [Fact]
    public void An_anonymous_request_has_no_owner_and_never_shares_one()
    {
        var anonymous = new DefaultHttpContext();
        // Claims without an authentication type are not a sign-in.
        var unauthenticated = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "forged")])) };

        Assert.Null(OwnerIdentity.Of(anonymous.User));
        Assert.Null(OwnerIdentity.Of(unauthenticated.User));
        Assert.Null(OwnerIdentity.Of(null));
        Assert.Throws<InvalidOperationException>(() => RequestOwner.ForRequest(anonymous));
        Assert.Throws<InvalidOperationException>(() => RequestOwner.ForRequest(unauthenticated));
    }

    [Fact]
    public void Old_session_cookies_and_query_parameters_name_nobody()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = "bm_session=abc123";
        http.Request.QueryString = new QueryString("?session=abc123");

        Assert.Null(RequestOwner.SessionOf(http));
        Assert.Throws<InvalidOperationException>(() => RequestOwner.ForRequest(http));
    }

    [Theory]
    [InlineData("dd47da5f3339a056", true)]
    [InlineData("", false)]
    [InlineData("../x", false)]
    [InlineData("a/b", false)]
    [InlineData("a.opus", false)]
    public void Track_ids_are_short_url_safe_tokens(string id, bool valid) => Assert.Equal(valid, RecommendationApi.IsTrackId(id));
}
