using Microsoft.AspNetCore.Mvc;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// Base of every <c>/api</c> controller. The API authenticates by bearer token only, so there is
/// no ambient cookie to forge and antiforgery does not apply.
/// </summary>
[ApiController]
[IgnoreAntiforgeryToken]
public abstract class ApiControllerBase : ControllerBase
{
    protected ActionResult Problem(AppError error)
    {
        if (error.Errors is { } errors)
        {
            var modelState = new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary();
            foreach (var (field, messages) in errors)
                foreach (var message in messages)
                    modelState.AddModelError(field, message);
            return ValidationProblem(title: error.Title, modelStateDictionary: modelState);
        }
        return Problem(title: error.Title, statusCode: error.Status);
    }

    protected ActionResult From<T>(Result<T> result, Func<T, ActionResult> onSuccess) =>
        result.IsSuccess ? onSuccess(result.Value!) : Problem(result.Error!);
}
