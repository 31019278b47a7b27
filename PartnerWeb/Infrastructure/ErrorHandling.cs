using Microsoft.AspNetCore.Diagnostics;

namespace PartnerWeb.Infrastructure;

public static class ErrorHandling
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static bool IsApi(this HttpRequest request) => request.Path.StartsWithSegments("/api");

    public static IServiceCollection AddPartnerWebErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<UnhandledExceptionHandler>();
        return services;
    }

    public static WebApplication UsePartnerWebErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(WriteStatusAsync);
        app.Use(RejectOversizedBodies);
        return app;
    }

    /// <summary>
    /// Kestrel enforces the limit on the stream; this answers early, with problem details, when
    /// Content-Length already says too much (and covers hosts without Kestrel's limit).
    /// </summary>
    private static async Task RejectOversizedBodies(HttpContext http, Func<Task> next)
    {
        if (http.Request.ContentLength > MaxRequestBodyBytes)
        {
            await WriteAsync(http, StatusCodes.Status413PayloadTooLarge, "The request body is larger than 1 MiB.");
            return;
        }
        await next();
    }

    /// <summary>Bodiless error answers (401, 403, 404, 405 …) get problem details on the API and a short page elsewhere.</summary>
    private static Task WriteStatusAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        return WriteAsync(http, http.Response.StatusCode, ReasonPhrase(http.Response.StatusCode));
    }

    /// <summary>
    /// An error in the form its caller reads: problem details for the API and for clients that do not ask for
    /// HTML; for pages a page in the site's layout that says why, and for htmx a message in the page's flash
    /// area (<see cref="ErrorPages"/>). <paramref name="detail"/> says what to do, when the caller knows it.
    /// </summary>
    public static async Task WriteAsync(HttpContext http, int status, string title, string? detail = null)
    {
        http.Response.StatusCode = status;
        if (http.Request.IsApi() || !(http.Request.IsHtmx() || AcceptsHtml(http.Request)))
        {
            var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
            var problem = new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = status, Title = title, Detail = detail } };
            if (await problems.TryWriteAsync(problem)) return;
            // The writer declines a client that accepts neither JSON nor anything: it still gets problem details.
            problem.ProblemDetails.Extensions.TryAdd("traceId", http.TraceIdentifier);
            await http.Response.WriteAsJsonAsync(problem.ProblemDetails, options: null, contentType: "application/problem+json");
            return;
        }
        await ErrorPages.WriteAsync(http, status, title, detail);
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static string ReasonPhrase(int status) => status switch
    {
        401 => "Authentication is required.",
        403 => "You are not allowed to do this.",
        404 => "Not found.",
        405 => "Method not allowed.",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error.",
    };

    /// <summary>Turns exceptions into problem details; stack traces stay in the log.</summary>
    private sealed class UnhandledExceptionHandler(ILogger<UnhandledExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            if (exception is BadHttpRequestException bad)
            {
                await WriteAsync(http, bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is larger than 1 MiB."
                    : "The request could not be read.");
                return true;
            }
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", http.Request.Method, http.Request.Path);
            await WriteAsync(http, StatusCodes.Status500InternalServerError, "An unexpected error occurred.");
            return true;
        }
    }
}
