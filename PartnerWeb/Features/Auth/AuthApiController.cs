using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Auth;

public sealed class TokenRequest
{
    [Required, StringLength(254)]
    public string Email { get; init; } = "";

    [Required, StringLength(200)]
    public string Password { get; init; } = "";
}

[Route("api/auth")]
[Tags("Auth")]
public sealed class AuthApiController(AuthService auth, LoginThrottle throttle, CurrentUser currentUser) : ApiControllerBase
{
    [HttpPost("token")]
    [AllowAnonymous]
    [EndpointSummary("Exchange email and password for a bearer token")]
    [ProblemResponse(StatusCodes.Status401Unauthorized)]
    [ProblemResponse(StatusCodes.Status429TooManyRequests)]
    [ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
    public async Task<ActionResult<TokenResponse>> Token(TokenRequest request, CancellationToken ct)
    {
        if (await throttle.CheckAsync(HttpContext, request.Email, ct) is { } refusal)
        {
            Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Problem(refusal.Error);
        }
        var user = await auth.VerifyAsync(request.Email, request.Password, ct);
        if (user is null) return Problem(new AppError(StatusCodes.Status401Unauthorized, "Invalid email or password."));
        return Ok(auth.IssueToken(user));
    }

    [HttpGet("me")]
    [Authorize]
    [AllowPendingPasswordChange]
    [EndpointSummary("The signed-in user")]
    public ActionResult<UserInfo> Me() => Ok(currentUser.Required);
}
