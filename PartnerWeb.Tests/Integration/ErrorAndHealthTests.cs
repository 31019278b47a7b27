using System.Net;
using System.Text;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class ErrorAndHealthTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    [Fact]
    public async Task Healthz_answers_200_without_auth()
    {
        using var client = factory.CreateApiClient();
        var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_over_1_MiB_gets_413_problem()
    {
        using var client = factory.CreateApiClient();
        var body = new StringContent("{\"email\":\"" + new string('a', 1024 * 1024) + "\",\"password\":\"x\"}", Encoding.UTF8, "application/json");
        await (await client.PostAsync("/api/auth/token", body)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"email\": 42, \"password\": []}")]
    [InlineData("")]
    public async Task Malformed_json_gets_400_problem(string json)
    {
        using var client = factory.CreateApiClient();
        var response = await client.PostAsync("/api/auth/token", new StringContent(json, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Pages_get_a_readable_html_error_not_a_stack_trace()
    {
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, Demo.GlobexOwner, PartnerWebFactory.Password);
        var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.Accept.ParseAdd("text/html");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Not found.", html);
        Assert.DoesNotContain("Exception", html);
    }
}

[Trait("Database", TestDatabase.SqliteOnly)]
public sealed class UnhealthyDatabaseTests
{
    [Fact]
    public async Task Healthz_answers_503_when_the_database_is_gone()
    {
        var path = Path.Combine(Path.GetTempPath(), "partnerweb-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // No pooling and no create mode: once the file is gone, opening it fails.
        using var cleanup = new DeleteOnDispose(path);
        await using var factory = PartnerWebFactory.On(path, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={path};Mode=ReadWrite;Pooling=False",
        });
        await File.WriteAllBytesAsync(path, []);
        using var client = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        PartnerWebFactory.DeleteDatabaseFiles(path);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz")).StatusCode);
    }
}
